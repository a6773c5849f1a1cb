package passwd

import "slices"

// UserByName returns the first user with that name.
func UserByName(users []User, name string) (User, bool) {
	for _, u := range users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// UserByID returns the first user with that uid.
func UserByID(users []User, uid uint32) (User, bool) {
	for _, u := range users {
		if u.UID == uid {
			return u, true
		}
	}
	return User{}, false
}

// GroupByName returns the first group with that name.
func GroupByName(groups []Group, name string) (Group, bool) {
	for _, g := range groups {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// MemberOf returns the gids of the groups that list user as a member, in
// file order and without repeats.
func MemberOf(groups []Group, user string) []uint32 {
	var gids []uint32
	for _, g := range groups {
		for _, m := range g.Members {
			if m == user && !slices.Contains(gids, g.GID) {
				gids = append(gids, g.GID)
			}
		}
	}
	return gids
}
