package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"novalite"
)

const projectCols = `id, name, domain_id, description, enabled, tags, extra`

func scanProject(s interface{ Scan(...any) error }) (novalite.Project, error) {
	var p novalite.Project
	var tags, extra string
	err := s.Scan(&p.ID, &p.Name, &p.DomainID, &p.Description, &p.Enabled, &tags, &extra)
	if err == nil {
		_ = json.Unmarshal([]byte(tags), &p.Tags)
		p.Extra = extraOf(extra)
	}
	return p, err
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ProjectInsert adds a project.
func (tx *Tx) ProjectInsert(ctx context.Context, p novalite.Project) error {
	if p.Tags == nil {
		p.Tags = []string{}
	}
	_, err := tx.Exec(ctx, `INSERT INTO projects (`+projectCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		p.ID, p.Name, p.DomainID, p.Description, p.Enabled, jsonText(p.Tags), extraText(p.Extra))
	return err
}

// ProjectUpdate replaces the mutable fields of a project.
func (tx *Tx) ProjectUpdate(ctx context.Context, p novalite.Project) error {
	if p.Tags == nil {
		p.Tags = []string{}
	}
	return tx.execOne(ctx, `UPDATE projects SET name = $2, description = $3, enabled = $4, tags = $5, extra = $6 WHERE id = $1`,
		p.ID, p.Name, p.Description, p.Enabled, jsonText(p.Tags), extraText(p.Extra))
}

// ProjectDelete removes a project and the role assignments on it.
func (tx *Tx) ProjectDelete(ctx context.Context, id string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM role_assignments WHERE target_type = 'project' AND target_id = $1`, id); err != nil {
		return err
	}
	return tx.execOne(ctx, `DELETE FROM projects WHERE id = $1`, id)
}

// ProjectGet returns the project with id.
func (tx *Tx) ProjectGet(ctx context.Context, id string) (novalite.Project, error) {
	p, err := scanProject(tx.queryRow(ctx, `SELECT `+projectCols+` FROM projects WHERE id = $1`, id))
	return p, mapErr(err)
}

// ProjectGetByName returns the project called name in a domain.
func (tx *Tx) ProjectGetByName(ctx context.Context, domainID, name string) (novalite.Project, error) {
	p, err := scanProject(tx.queryRow(ctx,
		`SELECT `+projectCols+` FROM projects WHERE domain_id = $1 AND name = $2`, domainID, name))
	return p, mapErr(err)
}

// ProjectList lists projects by name.
func (tx *Tx) ProjectList(ctx context.Context, f novalite.ProjectFilter) ([]novalite.Project, error) {
	// Without its tags, a project filter is a user filter.
	w, none := tx.identityWhere(novalite.UserFilter{Name: f.Name, DomainID: f.DomainID, Names: f.Names,
		Enabled: f.Enabled, IDs: f.IDs})
	if none {
		return nil, nil
	}
	tx.tagConds(&w, f)
	rows, err := tx.query(ctx, `SELECT `+projectCols+` FROM projects`+w.sql()+` ORDER BY name, id`, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.Project, error) { return scanProject(r) })
}

// inList returns "col IN ($a, $b, …)" with ids bound on w.
func inList(col string, w *where, ids []string) string {
	s := col + " IN ("
	for i, id := range ids {
		if i > 0 {
			s += ", "
		}
		s += w.arg(id)
	}
	return s + ")"
}

// tagConds adds the tag filters of f to w.
func (tx *Tx) tagConds(w *where, f novalite.ProjectFilter) {
	has := func(tags []string, join string) string {
		var cs []string
		for _, t := range tags {
			cs = append(cs, tx.jsonHas("tags", w.arg(t)))
		}
		return "(" + strings.Join(cs, join) + ")"
	}
	if len(f.Tags) > 0 {
		w.conds = append(w.conds, has(f.Tags, " AND "))
	}
	if len(f.TagsAny) > 0 {
		w.conds = append(w.conds, has(f.TagsAny, " OR "))
	}
	if len(f.NotTags) > 0 {
		w.conds = append(w.conds, "NOT "+has(f.NotTags, " AND "))
	}
	if len(f.NotTagsAny) > 0 {
		w.conds = append(w.conds, "NOT "+has(f.NotTagsAny, " OR "))
	}
}
