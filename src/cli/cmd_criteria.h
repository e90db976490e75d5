/*
 * cmd_criteria.h - khuyenhoc criteria load|list: the criteria sets of the
 * learning models (data/criteria).
 */
#ifndef KH_CLI_CMD_CRITERIA_H
#define KH_CLI_CMD_CRITERIA_H

/* The command: argc/argv start after "criteria". Returns an exit code. */
int cmd_criteria(int argc, char **argv);

/*
 * The default folder of the criteria files: data/criteria under the current
 * folder, else beside the executable's folder (build/../data/criteria).
 * malloc'd; for the demo command, which loads the sets too.
 */
char *cmd_criteria_default_dir(void);

#endif
