package agent

import (
	"testing"

	"novalite"
	"novalite/internal/compute"
)

// enteredElsewhere are the tasks the agents finish that no intent of the
// compute service sets, each with its writer. A new row of the agent's
// table must be reachable from an intent or be listed here.
var enteredElsewhere = map[novalite.TaskState]string{
	novalite.TaskNetworking:       "the scheduler, placing a build",
	novalite.TaskBlockDeviceMap:   "the agent's build steps",
	novalite.TaskSpawning:         "the agent's build steps",
	novalite.TaskDeleting:         "DELETE /servers/{id}, forceDelete, the controller's reclaim",
	novalite.TaskSoftDeleting:     "DELETE /servers/{id} with a reclaim interval",
	novalite.TaskRestoring:        "the restore action (its own lock and quota checks)",
	novalite.TaskResizeConfirming: "the controller's resize auto-confirm",
}

// TestIntentsReachAgentRows checks that the three tables agree: every
// task an intent sets has a row here (else the server would keep its
// task forever), and every row is reachable.
func TestIntentsReachAgentRows(t *testing.T) {
	t.Parallel()
	reached := map[novalite.TaskState]bool{}
	for act, tasks := range compute.IntentTasks() {
		for _, task := range tasks {
			reached[task] = true
			if _, ok := actions[task]; !ok {
				t.Errorf("intent %s sets task %q, which no agent row finishes", act, task)
			}
			if _, ok := enteredElsewhere[task]; ok {
				t.Errorf("task %q is set by intent %s: drop it from enteredElsewhere", task, act)
			}
		}
	}
	for task := range enteredElsewhere {
		if _, ok := actions[task]; !ok {
			t.Errorf("enteredElsewhere lists %q, which has no agent row", task)
		}
	}
	for task, row := range actions {
		if !reached[task] && enteredElsewhere[task] == "" {
			t.Errorf("agent row %q is reached by no intent", task)
		}
		if row.drive == nil || row.name == "" || row.event == "" {
			t.Errorf("agent row %q: driver call, name and event are all needed", task)
		}
	}
	if len(tasks) != len(actions) {
		t.Errorf("work query lists %d tasks, table has %d rows", len(tasks), len(actions))
	}
}
