package image

import (
	"context"
	"slices"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// maxMembers is Glance's image_member_quota (128 by default).
const maxMembers = 128

// The member API's operations, for its error texts (glance/api/v2/image_members.py).
const (
	opCreate = "create"
	opList   = "list"
	opUpdate = "update"
	opDelete = "delete"
)

// notAllowed is the member API's 403 for an operation on image id.
func notAllowed(op, id string) error {
	return forbidden("Not allowed to %s members for image %s.", op, id)
}

// memberImage is the image of a member call: visible to c (else Glance's
// "Image %s not found.") and shared. Only shared images have members: the
// listing says so, show hides it as a 404, the others answer their 403.
func (s *Service) memberImage(ctx context.Context, tx *store.Tx, c *novalite.Caller, id, op string) (novalite.Image, error) {
	im, err := tx.ImageGet(ctx, id)
	if err == nil {
		var ok bool
		if ok, err = visible(ctx, tx, c, im); err == nil && !ok {
			err = &novalite.Error{Kind: novalite.NotFound}
		}
	}
	if novalite.IsKind(err, novalite.NotFound) {
		return im, novalite.Errorf(novalite.NotFound, "Image %s not found.", id)
	} else if err != nil {
		return im, err
	}
	if im.Visibility != novalite.VisibilityShared {
		switch op {
		case opList:
			return im, forbidden("Not allowed to list members for image %s: Only shared images have members.", id)
		case "show":
			return im, novalite.Errorf(novalite.NotFound, "Only shared images have members.")
		}
		return im, notAllowed(op, id)
	}
	return im, nil
}

// seesAll reports whether c sees every member of im (the owner, an
// admin); a member sees its own membership only.
func seesAll(c *novalite.Caller, im novalite.Image) bool {
	return isAdmin(c) || (c.ProjectID != "" && c.ProjectID == im.Owner)
}

// lookupMember is Glance's _lookup_member: another project's membership
// is the owner's and the admin's business.
func lookupMember(ctx context.Context, tx *store.Tx, c *novalite.Caller, im novalite.Image, member string) (novalite.ImageMember, error) {
	if !seesAll(c, im) && member != c.ProjectID {
		return novalite.ImageMember{}, forbidden("You are not authorized to lookup the members of the image %s.", im.ID)
	}
	m, err := tx.ImageMemberGet(ctx, im.ID, member)
	if novalite.IsKind(err, novalite.NotFound) {
		return m, novalite.Errorf(novalite.NotFound, "%s not found in the member list of the image %s.", member, im.ID)
	}
	return m, err
}

// AddMember offers the shared image id to project member (pending).
// Only the owner (with the member role) or an admin may: Glance's
// add_member.
func (s *Service) AddMember(ctx context.Context, c *novalite.Caller, id, member string) (novalite.ImageMember, error) {
	var m novalite.ImageMember
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		im, err := s.memberImage(ctx, tx, c, id, opCreate)
		if err != nil {
			return err
		}
		if !policy.AllowedOwned(c, "add_member", im.Owner) {
			return notAllowed(opCreate, id)
		}
		n, err := tx.ImageMemberCount(ctx, id)
		if err != nil {
			return err
		}
		if n+1 > maxMembers {
			return novalite.Errorf(novalite.TooLarge, "Image member limit exceeded for image %s: The limit has been exceeded on "+
				"the number of allowed image members for this image. Attempted: %d, Maximum: %d:", id, n+1, maxMembers)
		}
		now := s.now().UTC()
		m = novalite.ImageMember{ImageID: id, MemberID: member, Status: novalite.MemberPending, CreatedAt: now, UpdatedAt: now}
		err = tx.ImageMemberInsert(ctx, m)
		if novalite.IsKind(err, novalite.Conflict) {
			return novalite.Errorf(novalite.Conflict, "Member %s is duplicated for image %s", member, id)
		}
		return err
	})
	return m, err
}

// Members lists the members of the shared image id that c may see.
func (s *Service) Members(ctx context.Context, c *novalite.Caller, id string) ([]novalite.ImageMember, error) {
	var out []novalite.ImageMember
	err := s.db.View(ctx, func(tx *store.Tx) error {
		im, err := s.memberImage(ctx, tx, c, id, opList)
		if err != nil {
			return err
		}
		all, err := tx.ImageMemberList(ctx, id)
		if err != nil {
			return err
		}
		out = []novalite.ImageMember{}
		for _, m := range all {
			if seesAll(c, im) || m.MemberID == c.ProjectID {
				out = append(out, m)
			}
		}
		return nil
	})
	return out, err
}

// Member shows one membership; Glance answers 404 for anything it may not
// show, so as not to tell what exists.
func (s *Service) Member(ctx context.Context, c *novalite.Caller, id, member string) (novalite.ImageMember, error) {
	var m novalite.ImageMember
	err := s.db.View(ctx, func(tx *store.Tx) error {
		im, err := s.memberImage(ctx, tx, c, id, "show")
		if err != nil {
			return err
		}
		m, err = lookupMember(ctx, tx, c, im, member)
		if novalite.IsKind(err, novalite.Forbidden) {
			return novalite.Errorf(novalite.NotFound, "%s", novalite.MessageOf(err))
		}
		return err
	})
	return m, err
}

// MemberAnswer is a member's answer to an image's offer: the image, the
// member (a project id) and the status it asks for, as the body gave it
// (anything but "pending", "accepted" or "rejected" is refused).
type MemberAnswer struct {
	ImageID, Member string
	Status          any
}

// SetMemberStatus is a member's answer to the offer (accepted, rejected,
// or pending again). Only the member itself (or an admin) answers, not the
// owner: Glance's modify_member.
func (s *Service) SetMemberStatus(ctx context.Context, c *novalite.Caller, a MemberAnswer) (novalite.ImageMember, error) {
	id, member, status := a.ImageID, a.Member, a.Status
	var m novalite.ImageMember
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		im, err := s.memberImage(ctx, tx, c, id, opUpdate)
		if err != nil {
			return err
		}
		if m, err = lookupMember(ctx, tx, c, im, member); err != nil {
			return err
		}
		// lookupMember let a non-admin through only to its own membership.
		if !isAdmin(c) && (member != c.ProjectID || !c.HasRole("member")) {
			return notAllowed(opUpdate, id)
		}
		st, ok := status.(string)
		if !ok || !slices.Contains([]string{novalite.MemberPending, novalite.MemberAccepted, novalite.MemberRejected}, st) {
			return invalid(`Incorrect request: Status must be "pending", "accepted" or "rejected".`)
		}
		m.Status, m.UpdatedAt = st, s.now().UTC()
		return tx.ImageMemberSetStatus(ctx, novalite.ImageMember{ImageID: id, MemberID: member, Status: st, UpdatedAt: m.UpdatedAt})
	})
	return m, err
}

// RemoveMember withdraws the offer: the owner's (or an admin's) call.
func (s *Service) RemoveMember(ctx context.Context, c *novalite.Caller, id, member string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		im, err := s.memberImage(ctx, tx, c, id, opDelete)
		if err != nil {
			return err
		}
		if _, err := lookupMember(ctx, tx, c, im, member); err != nil {
			return err
		}
		if !policy.AllowedOwned(c, "delete_member", im.Owner) {
			return notAllowed(opDelete, id)
		}
		return tx.ImageMemberDelete(ctx, id, member)
	})
}
