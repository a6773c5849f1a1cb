package kube

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"sandbox/spec"
)

// resources turns limits.memory, limits.cpu and requests.cpu into the
// flags of `sandbox run`: a memory limit (without swap, as a kubelet with
// swap off), a CPU quota per 100ms period, and CPU shares of 1024 per
// requested CPU (at least 2), as the kubelet computes them. Other
// resources are listed in the notes, unapplied.
func resources(r corev1.ResourceRequirements, cpath string) (spec.Resources, []string, error) {
	var out spec.Resources
	var notes []string
	path := cpath + ".resources.limits."
	for _, name := range sortedKeys(r.Limits) {
		q := r.Limits[corev1.ResourceName(name)]
		switch corev1.ResourceName(name) {
		case corev1.ResourceMemory:
			if q.Value() < 4<<20 {
				return out, nil, fieldErr(path+name, "%s: give at least 4Mi, or the container cannot start",
					q.String())
			}
			out.Memory = strconv.FormatInt(q.Value(), 10)
		case corev1.ResourceCPU:
			if q.MilliValue() <= 0 {
				return out, nil, fieldErr(path+name, "%s: give a positive amount, as 500m", q.String())
			}
			out.Cpus = strconv.FormatFloat(float64(q.MilliValue())/1000, 'f', -1, 64)
		default:
			notes = append(notes, path+name+": not applied by sandbox")
		}
	}
	if q, ok := r.Requests[corev1.ResourceCPU]; ok {
		out.CpuShares = uint64(max(2, q.MilliValue()*1024/1000))
	}
	return out, notes, nil
}
