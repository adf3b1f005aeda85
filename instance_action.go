package novalite

import "time"

// What os-instance-actions records of the requests made on a server.

// InstanceAction is one os-instance-actions record.
type InstanceAction struct {
	InstanceUUID, RequestID, Action, ProjectID, UserID string
	Start                                              time.Time
	// Finish, when set, closes the action at once (API-only actions).
	Finish time.Time
}

// InstanceActionEvent is one step of an instance action.
type InstanceActionEvent struct {
	ActionID      int64
	Event         string
	Start, Finish time.Time // zero Finish = still running
	Result        string    // "Success", "Error", "" while running
	Host          string
}

// InstanceActionRecord is a stored instance action.
type InstanceActionRecord struct {
	ID int64
	InstanceAction
	UpdatedAt time.Time
	Message   *string // "Error" when an event failed, else nil
}

// InstanceActionEventRecord is a stored event of an action.
type InstanceActionEventRecord struct {
	ID int64
	InstanceActionEvent
	Traceback, Details *string
}
