// Package spec builds and validates the OCI runtime-spec configs that every
// container start goes through.
//
// `sandbox run` turns its flags into Options and calls New; the OCI commands
// read config.json from a bundle. Both hand the result to Validate, and from
// there one launch path runs the container, so a flag never does anything
// the equivalent config field would not.
package spec
