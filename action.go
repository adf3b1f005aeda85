package novalite

// Action is a server action as clients name it: the one key of the body
// of POST /servers/{id}/action. It lives here, not in the API or the
// compute service, because both key their tables by it (the API's action
// table, the service's intents), and a typed key turns a misspelt name
// into a compile error instead of a silent miss.
type Action string

// The server actions of Nova's API (nova/api/openstack/compute/*.py,
// the @wsgi.action names).
const (
	ActionReboot              Action = "reboot"
	ActionStart               Action = "os-start"
	ActionStop                Action = "os-stop"
	ActionPause               Action = "pause"
	ActionUnpause             Action = "unpause"
	ActionSuspend             Action = "suspend"
	ActionResume              Action = "resume"
	ActionRescue              Action = "rescue"
	ActionUnrescue            Action = "unrescue"
	ActionChangePassword      Action = "changePassword"
	ActionResetState          Action = "os-resetState"
	ActionInjectNetworkInfo   Action = "injectNetworkInfo"
	ActionTriggerCrashDump    Action = "trigger_crash_dump"
	ActionLock                Action = "lock"
	ActionUnlock              Action = "unlock"
	ActionRestore             Action = "restore"
	ActionForceDelete         Action = "forceDelete"
	ActionResize              Action = "resize"
	ActionConfirmResize       Action = "confirmResize"
	ActionRevertResize        Action = "revertResize"
	ActionMigrate             Action = "migrate"
	ActionLiveMigrate         Action = "os-migrateLive"
	ActionEvacuate            Action = "evacuate"
	ActionRebuild             Action = "rebuild"
	ActionCreateImage         Action = "createImage"
	ActionCreateBackup        Action = "createBackup"
	ActionShelve              Action = "shelve"
	ActionShelveOffload       Action = "shelveOffload"
	ActionUnshelve            Action = "unshelve"
	ActionConsoleOutput       Action = "os-getConsoleOutput"
	ActionVNCConsole          Action = "os-getVNCConsole"
	ActionSPICEConsole        Action = "os-getSPICEConsole"
	ActionRDPConsole          Action = "os-getRDPConsole"
	ActionSerialConsole       Action = "os-getSerialConsole"
	ActionAddSecurityGroup    Action = "addSecurityGroup"
	ActionRemoveSecurityGroup Action = "removeSecurityGroup"
	ActionAddFloatingIP       Action = "addFloatingIp"
	ActionRemoveFloatingIP    Action = "removeFloatingIp"
	ActionAddFixedIP          Action = "addFixedIp"
	ActionRemoveFixedIP       Action = "removeFixedIp"
	ActionResetNetwork        Action = "resetNetwork"
)
