/* ui_action.h - every user action, declared once.
 *
 * X(ENUM, "name", "default keys", "help text"): the enum, the names the
 * command palette and keys.conf use, the default bindings and the help text
 * all come from this list, so `?` help and the man page cannot drift from
 * the code.  Keys are separated by spaces; names as in keys.conf:
 * a printable character, C-x (Ctrl), Enter, Esc, Tab, S-Tab, Space,
 * Backspace, Del, Ins, Up, Down, Left, Right, Home, End, PgUp, PgDn, F1-F12.
 *
 * The GO_* actions are the screens in tab order; screens/ lists them in the
 * same order (screen.h). */
#ifndef TATER_UI_ACTION_H
#define TATER_UI_ACTION_H

#define UI_ACTIONS(X)                                                                              \
	X(NONE, "none", "", "Do nothing (unbinds a key in keys.conf)")                             \
	X(QUIT, "quit", "C-c", "Quit tater (asks first)")                                          \
	X(BACK, "back", "q Esc", "Go back: close help, a form, a detail pane; q at the top quits") \
	X(HELP, "help", "? F1", "Show every action and its keys")                                  \
	X(PALETTE, "palette", ":", "Command palette: type an action name (Tab completes)")         \
	X(FILTER, "filter", "/", "Filter the focused list as you type (Enter keeps, Esc clears)")  \
	X(NEXT_SCREEN, "next-screen", "Tab", "Next screen")                                        \
	X(PREV_SCREEN, "prev-screen", "S-Tab", "Previous screen")                                  \
	X(GO_DASHBOARD, "dashboard", "1", "Go to the Dashboard")                                   \
	X(GO_IDENTITY, "identity", "2", "Go to Identity security")                                 \
	X(GO_CONTROLS, "controls", "3", "Go to compliance Controls")                               \
	X(GO_PLAYBOOKS, "playbooks", "4", "Go to incident-response Playbooks")                     \
	X(GO_INCIDENTS, "incidents", "5", "Go to the Incident tracker")                            \
	X(GO_ITDR, "itdr", "6", "Go to ITDR alerts")                                               \
	X(GO_AZURE, "azure", "7", "Go to Azure resource scanning")                                 \
	X(GO_CLOUD, "cloud", "8", "Go to multi-cloud posture")                                     \
	X(GO_PRIVACY, "privacy", "9", "Go to data classification and privacy")                     \
	X(GO_ACTIVITY, "activity", "0", "Go to the Activity log")                                  \
	X(GO_SETTINGS, "settings", "-", "Go to Settings")                                          \
	X(GO_REPORTS, "reports", "=", "Go to Reports")                                             \
	X(UP, "up", "k Up", "Move up")                                                             \
	X(DOWN, "down", "j Down", "Move down")                                                     \
	X(LEFT, "left", "h Left", "Previous column (the one `sort` uses)")                         \
	X(RIGHT, "right", "l Right", "Next column")                                                \
	X(TOP, "top", "g Home", "Go to the first row")                                             \
	X(BOTTOM, "bottom", "G End", "Go to the last row")                                         \
	X(PAGE_DOWN, "page-down", "C-d PgDn", "Half a page down")                                  \
	X(PAGE_UP, "page-up", "C-u PgUp", "Half a page up")                                        \
	X(OPEN, "open", "Enter", "Open the selection (details, edit)")                             \
	X(SORT, "sort", "s", "Sort by the current column; again to reverse")                       \
	X(ADD, "add", "a", "Add an item (Settings: a tenant)")                                     \
	X(EDIT, "edit", "e", "Edit the selected item")                                             \
	X(DELETE, "delete", "d", "Delete the selected item (asks first)")                          \
	X(REFRESH, "refresh", "r", "Reload the screen's data")                                     \
	X(NEXT_SECTION, "next-section", "]", "Next section of the screen")                         \
	X(PREV_SECTION, "prev-section", "[", "Previous section of the screen")                     \
	X(CANCEL_JOBS, "cancel-jobs", "C-x", "Cancel running background jobs (asks first)")        \
	X(REDRAW, "redraw", "C-l", "Redraw the whole terminal")                                   \
	X(SCAN, "scan", "S", "Scan the selected tenant now (a background job)")                    \
	X(NEXT_TENANT, "next-tenant", "t",                                                         \
	  "Show the next tenant (Dashboard, Identity, Controls, Settings)")                        \
	X(GROUP_BY, "group-by", "b", "Group the controls by area, by framework, or not at all")    \
	X(FILTER_STATUS, "filter-status", "f", "Show one status: fail, accepted, unknown, pass, all")\
	X(FILTER_SEVERITY, "filter-severity", "v", "Show one severity: critical ... low, or all")   \
	X(FILTER_FRAMEWORK, "filter-framework", "F", "Show controls citing a framework (scuba, cis:5)") \
	X(ACCEPT_RISK, "accept-risk", "A", "Accept a failing control's risk until a date (admins)")  \
	X(REVOKE_RISK, "revoke-risk", "R", "Revoke the selected control's risk acceptance")         \
	X(REMEDIATE, "remediate", "X", "Controls: run the failing control's remediation script")    \
	X(TEST, "test", "C-t", "Settings > Tenants: sign in and read the organisation (Test)")  \
	X(ASSIGN, "assign", "o", "ITDR: assign the selected alert to someone (its owner)")         \
	X(ASSIGN_ME, "assign-me", "m", "ITDR: assign the selected alert to yourself")              \
	X(NOTE, "note", "n", "ITDR: add a note to the alert's investigation timeline")             \
	X(ACTIVATE, "activate", "p", "ITDR: activate the linked playbook (opens an incident)")     \
	X(AUTO_INGEST, "auto-ingest", "I", "ITDR: ingest alerts every N minutes (0 stops)")        \
	X(EXPORT, "export", "x", "Activity: export the shown entries as CSV or JSON")

enum ui_action {
#define UI_ACTION_ENUM(e, name, keys, help) UI_ACT_##e,
	UI_ACTIONS(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
	    UI_ACT__COUNT
};

#define UI_SCREEN_COUNT (UI_ACT_GO_REPORTS - UI_ACT_GO_DASHBOARD + 1)

#endif
