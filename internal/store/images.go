package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"novalite"
)

const imageCols = `id, name, status, visibility, owner, container_format, disk_format, size, virtual_size,
	checksum, os_hash_algo, os_hash_value, min_disk, min_ram, protected, os_hidden, tags, properties,
	created_at, updated_at`

func scanImage(s interface{ Scan(...any) error }) (novalite.Image, error) {
	var im novalite.Image
	var name, cf, df, sum, algo, hash sql.NullString
	var size, vsize sql.NullInt64
	var tags, props string
	var created, updated int64
	err := s.Scan(&im.ID, &name, &im.Status, &im.Visibility, &im.Owner, &cf, &df, &size, &vsize,
		&sum, &algo, &hash, &im.MinDisk, &im.MinRAM, &im.Protected, &im.Hidden, &tags, &props,
		&created, &updated)
	if err != nil {
		return im, err
	}
	im.Name, im.ContainerFormat, im.DiskFormat = name.String, cf.String, df.String
	im.Checksum, im.HashAlgo, im.HashValue = sum.String, algo.String, hash.String
	if size.Valid {
		im.Size = &size.Int64
	}
	if vsize.Valid {
		im.VirtualSize = &vsize.Int64
	}
	_ = json.Unmarshal([]byte(tags), &im.Tags)
	_ = json.Unmarshal([]byte(props), &im.Properties)
	if im.Tags == nil {
		im.Tags = []string{}
	}
	if im.Properties == nil {
		im.Properties = map[string]string{}
	}
	im.CreatedAt, im.UpdatedAt = fromMicros(created), fromMicros(updated)
	return im, nil
}

func nullStr(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullInt(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

func imageArgs(im novalite.Image) []any {
	if im.Tags == nil {
		im.Tags = []string{}
	}
	if im.Properties == nil {
		im.Properties = map[string]string{}
	}
	return []any{im.ID, nullStr(im.Name), im.Status, im.Visibility, im.Owner, nullStr(im.ContainerFormat),
		nullStr(im.DiskFormat), nullInt(im.Size), nullInt(im.VirtualSize), nullStr(im.Checksum),
		nullStr(im.HashAlgo), nullStr(im.HashValue), im.MinDisk, im.MinRAM, im.Protected, im.Hidden,
		jsonText(im.Tags), jsonText(im.Properties), micros(im.CreatedAt), micros(im.UpdatedAt)}
}

// ImageInsert adds an image.
func (tx *Tx) ImageInsert(ctx context.Context, im novalite.Image) error {
	_, err := tx.Exec(ctx, `INSERT INTO images (`+imageCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
		$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`, imageArgs(im)...)
	return err
}

// ImageUpdate replaces every column of the image with im.ID (the status
// and data columns too: callers read, change and write in one tx).
func (tx *Tx) ImageUpdate(ctx context.Context, im novalite.Image) error {
	return tx.execOne(ctx, `UPDATE images SET name = $2, status = $3, visibility = $4, owner = $5,
		container_format = $6, disk_format = $7, size = $8, virtual_size = $9, checksum = $10,
		os_hash_algo = $11, os_hash_value = $12, min_disk = $13, min_ram = $14, protected = $15,
		os_hidden = $16, tags = $17, properties = $18, created_at = $19, updated_at = $20
		WHERE id = $1`, imageArgs(im)...)
}

// StatusChange moves a row from status From to status To at Now
// (microseconds).
type StatusChange struct {
	From, To string
	Now      int64
}

// ImageSetStatus moves the image from status c.From to c.To; it reports
// false when the image was not in status c.From.
func (tx *Tx) ImageSetStatus(ctx context.Context, id string, c StatusChange) (bool, error) {
	n, err := tx.Exec(ctx, `UPDATE images SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2`,
		id, c.From, c.To, c.Now)
	return n == 1, err
}

// ImageData are the facts about uploaded bytes.
type ImageData struct {
	Size                          int64
	Checksum, HashAlgo, HashValue string
}

// StagedImage is image data received into a file, hashed, before the
// transaction that keeps it (a snapshot's).
type StagedImage struct {
	File string // "" when nothing was staged
	ImageData
}

// SnapshotOutput is what a server snapshot leaves for its image: the
// data as staged and the driver's disk format ("" keeps the image's).
type SnapshotOutput struct {
	Staged     StagedImage
	DiskFormat string
}

// ImageSetData records the uploaded bytes and makes a saving image
// active; it reports false when the image was not saving.
func (tx *Tx) ImageSetData(ctx context.Context, id string, d ImageData, now int64) (bool, error) {
	n, err := tx.Exec(ctx, `UPDATE images SET status = 'active', size = $2, checksum = $3,
		os_hash_algo = $4, os_hash_value = $5, updated_at = $6 WHERE id = $1 AND status = 'saving'`,
		id, d.Size, d.Checksum, d.HashAlgo, d.HashValue, now)
	return n == 1, err
}

// ImageCountOwned counts the images owner owns.
func (tx *Tx) ImageCountOwned(ctx context.Context, owner string) (n int, err error) {
	err = tx.queryRow(ctx, `SELECT count(*) FROM images WHERE owner = $1`, owner).Scan(&n)
	return n, mapErr(err)
}

// ImageDelete removes an image row.
func (tx *Tx) ImageDelete(ctx context.Context, id string) error {
	return tx.execOne(ctx, `DELETE FROM images WHERE id = $1`, id)
}

// ImageGet returns the image with id, whoever owns it; visibility is the
// caller's business (ImageVisibleTo).
func (tx *Tx) ImageGet(ctx context.Context, id string) (novalite.Image, error) {
	im, err := scanImage(tx.queryRow(ctx, `SELECT `+imageCols+` FROM images WHERE id = $1`, id))
	return im, mapErr(err)
}

// imageSortExpr maps a Glance sort key to its column (NULLs made
// comparable so that keyset pagination works).
var imageSortExpr = map[string]string{
	"name": "COALESCE(name, '')", "status": "status",
	"container_format": "COALESCE(container_format, '')", "disk_format": "COALESCE(disk_format, '')",
	"size": "COALESCE(size, -1)", "id": "id", "created_at": "created_at", "updated_at": "updated_at",
}

func imageSortValue(im novalite.Image, key string) any {
	switch key {
	case "name":
		return im.Name
	case "status":
		return im.Status
	case "container_format":
		return im.ContainerFormat
	case "disk_format":
		return im.DiskFormat
	case "size":
		if im.Size == nil {
			return int64(-1)
		}
		return *im.Size
	case "created_at":
		return micros(im.CreatedAt)
	case "updated_at":
		return micros(im.UpdatedAt)
	}
	return im.ID
}

// ImageFilter narrows ImageList. The scope is what the caller may see:
// Admin sees everything; others see public images, their own, and
// community images only when asked for them.
type ImageFilter struct {
	Admin     bool
	ProjectID string
	// Visibility is Glance's visibility filter; "all" lifts the default
	// exclusion of others' community images.
	Visibility                           *string
	Name, Status, Owner, ContainerFormat *string
	DiskFormat                           *string
	Hidden, Protected                    *bool
	IDs                                  []string          // id=in:a,b
	Tags                                 []string          // every tag must be present
	Properties                           map[string]string // additional properties, exact match
	Sort                                 []novalite.ImageSort
	Marker                               *novalite.Image // keyset start (exclusive)
	Limit                                int
	// MemberStatus picks the shared images of other projects a
	// non-admin sees: those whose membership has this status ("" is
	// accepted, as Glance's default member_status; "all" any).
	MemberStatus string
}

// ImageList lists images by f.Sort (id breaks ties), keyset-paginated.
func (tx *Tx) ImageList(ctx context.Context, f ImageFilter) ([]novalite.Image, error) {
	var w where
	imageScope(&w, f)
	eq := func(col string, v *string) {
		if v != nil {
			w.add(col+" = ?", *v)
		}
	}
	eq("name", f.Name)
	eq("status", f.Status)
	eq("owner", f.Owner)
	eq("container_format", f.ContainerFormat)
	eq("disk_format", f.DiskFormat)
	if f.Hidden != nil {
		w.add("os_hidden = ?", *f.Hidden)
	}
	if f.Protected != nil {
		w.add("protected = ?", *f.Protected)
	}
	for k, v := range f.Properties {
		w.add(tx.jsonObjectValue("properties")+" = ?", k, v)
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		w.add(inList("id", &w, f.IDs))
	}
	for _, t := range f.Tags {
		w.add(tx.jsonArrayHas("images.tags"), t)
	}
	sorts := append([]novalite.ImageSort(nil), f.Sort...)
	if len(sorts) == 0 || sorts[len(sorts)-1].Key != "id" {
		last := true
		if len(sorts) > 0 {
			last = sorts[len(sorts)-1].Desc
		}
		sorts = append(sorts, novalite.ImageSort{Key: "id", Desc: last})
	}
	if f.Marker != nil {
		w.add(keyset(&w, sorts, *f.Marker))
	}
	var order []string
	for _, s := range sorts {
		dir := " ASC"
		if s.Desc {
			dir = " DESC"
		}
		order = append(order, imageSortExpr[s.Key]+dir)
	}
	q := `SELECT ` + imageCols + ` FROM images` + w.sql() + ` ORDER BY ` + strings.Join(order, ", ")
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := tx.query(ctx, q, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.Image, error) { return scanImage(r) })
}

func imageScope(w *where, f ImageFilter) {
	vis := ""
	if f.Visibility != nil {
		vis = *f.Visibility
	}
	if vis != "" && vis != "all" {
		w.add("visibility = ?", vis)
	}
	if f.Admin {
		return
	}
	// Glance's union for a regular user: public and community images,
	// the project's own, and shared images it is a member of.
	member := func() string {
		c := "(visibility = 'shared' AND EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = images.id AND m.member_id = " + w.arg(f.ProjectID)
		switch f.MemberStatus {
		case "all":
		case "":
			c += " AND m.status = " + w.arg(novalite.MemberAccepted)
		default:
			c += " AND m.status = " + w.arg(f.MemberStatus)
		}
		return c + "))"
	}
	switch vis {
	case "public", "community":
	case "private":
		w.add("owner = ?", f.ProjectID)
	case "shared":
		w.add("(owner = " + w.arg(f.ProjectID) + " OR " + member() + ")")
	case "all":
		w.add("(visibility IN ('public', 'community') OR owner = " + w.arg(f.ProjectID) + " OR " + member() + ")")
	default:
		w.add("(visibility = 'public' OR owner = " + w.arg(f.ProjectID) + " OR " + member() + ")")
	}
}

// keyset returns the condition "row comes after marker" for the order
// sorts: (k1 > v1) OR (k1 = v1 AND k2 > v2) OR …
func keyset(w *where, sorts []novalite.ImageSort, m novalite.Image) string {
	var ors []string
	for i, s := range sorts {
		var ands []string
		for _, p := range sorts[:i] {
			ands = append(ands, imageSortExpr[p.Key]+" = "+w.arg(imageSortValue(m, p.Key)))
		}
		op := " > "
		if s.Desc {
			op = " < "
		}
		ands = append(ands, imageSortExpr[s.Key]+op+w.arg(imageSortValue(m, s.Key)))
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}
