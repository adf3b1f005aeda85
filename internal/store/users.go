package store

import (
	"context"
	"database/sql"

	"novalite"
)

const userCols = `id, name, domain_id, password_hash, enabled, email, description, default_project_id, created_at, extra`

func scanUser(s interface{ Scan(...any) error }) (novalite.User, error) {
	var u novalite.User
	var created int64
	var extra string
	err := s.Scan(&u.ID, &u.Name, &u.DomainID, &u.PasswordHash, &u.Enabled, &u.Email, &u.Description,
		&u.DefaultProjectID, &created, &extra)
	u.CreatedAt, u.Extra = fromMicros(created), extraOf(extra)
	return u, err
}

// UserInsert adds a user.
func (tx *Tx) UserInsert(ctx context.Context, u novalite.User) error {
	_, err := tx.Exec(ctx, `INSERT INTO users (`+userCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		u.ID, u.Name, u.DomainID, u.PasswordHash, u.Enabled, u.Email, u.Description, u.DefaultProjectID,
		micros(u.CreatedAt), extraText(u.Extra))
	return err
}

// UserUpdate replaces the mutable fields of a user.
func (tx *Tx) UserUpdate(ctx context.Context, u novalite.User) error {
	return tx.execOne(ctx, `UPDATE users SET name = $2, password_hash = $3, enabled = $4, email = $5,
		description = $6, default_project_id = $7, extra = $8 WHERE id = $1`,
		u.ID, u.Name, u.PasswordHash, u.Enabled, u.Email, u.Description, u.DefaultProjectID, extraText(u.Extra))
}

// UserDelete removes a user and its role assignments.
func (tx *Tx) UserDelete(ctx context.Context, id string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM role_assignments WHERE user_id = $1`, id); err != nil {
		return err
	}
	return tx.execOne(ctx, `DELETE FROM users WHERE id = $1`, id)
}

// UserGet returns the user with id.
func (tx *Tx) UserGet(ctx context.Context, id string) (novalite.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	return u, mapErr(err)
}

// UserGetByName returns the user called name in a domain.
func (tx *Tx) UserGetByName(ctx context.Context, domainID, name string) (novalite.User, error) {
	u, err := scanUser(tx.queryRow(ctx,
		`SELECT `+userCols+` FROM users WHERE domain_id = $1 AND name = $2`, domainID, name))
	return u, mapErr(err)
}

// UserList lists users by name.
func (tx *Tx) UserList(ctx context.Context, f novalite.UserFilter) ([]novalite.User, error) {
	w, none := tx.identityWhere(f)
	if none {
		return nil, nil
	}
	rows, err := tx.query(ctx, `SELECT `+userCols+` FROM users`+w.sql()+` ORDER BY name, id`, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.User, error) { return scanUser(r) })
}

// identityWhere holds the filters users and projects share; none when f
// asks for an empty list of ids, which nothing matches.
func (tx *Tx) identityWhere(f novalite.UserFilter) (w where, none bool) {
	if f.Name != nil {
		w.add(`name = ?`, *f.Name)
	}
	for _, m := range f.Names {
		tx.matchText(&w, "name", m)
	}
	if f.DomainID != nil {
		w.add(`domain_id = ?`, *f.DomainID)
	}
	if f.Enabled != nil {
		w.add(`enabled = ?`, *f.Enabled)
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return w, true
		}
		w.add(inList("id", &w, f.IDs))
	}
	return w, false
}
