package novalite

import "time"

// How a list of servers is asked for: filters, order and page.

// ServerMatch filters on one column (a name of Nova's instances table,
// such as display_name or vm_state) by one or more values.
type ServerMatch struct {
	Column string
	Values []string
}

// ServerSort is one sort key (a column name of Nova's instances table).
type ServerSort struct {
	Column string
	Desc   bool
}

// ServerListParams selects a page of servers.
type ServerListParams struct {
	ProjectID string // "" = every project
	// Deleted nil: live and deleted rows (changes-since); false: live rows
	// only; true: deleted rows and soft-deleted ones (Nova's deleted=true).
	Deleted *bool
	// SoftDeleted includes soft-deleted rows with Deleted false.
	SoftDeleted bool
	Locked      *bool
	Exact       []ServerMatch // column IN values
	Regex       []ServerMatch // column matches the (single) pattern
	// ChangesSince/Before bound updated_at (zero = unbounded).
	ChangesSince, ChangesBefore        time.Time
	Tags, TagsAny, NotTags, NotTagsAny []string
	Sort                               []ServerSort // tie-breakers are appended
	Marker                             string       // uuid of the last server seen
	Limit                              int          // ≤ 0: no row
	// Columns, when not nil, asks for a list view's read: the columns no
	// list view shows (key data, old flavor, requested networks, server
	// group, password hashes) and the optional ones not asked for are
	// left unread (zero in the servers returned). nil reads every column.
	Columns *ServerColumns
}

// ServerColumns are the columns a list view shows only at some
// microversions or with some policy.
type ServerColumns struct {
	UserData        bool // OS-EXT-SRV-ATTR:user_data (2.3+, extended attributes)
	TrustedCerts    bool // trusted_image_certificates (2.63+)
	ImageProperties bool // image.properties (2.98+)
	SchedulerHints  bool // scheduler_hints (2.100+)
}
