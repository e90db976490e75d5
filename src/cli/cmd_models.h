/*
 * cmd_models.h - khuyenhoc models register|assess|verify|propose|list: the
 * yearly cycle of the learning models from the command line.
 */
#ifndef KH_CLI_CMD_MODELS_H
#define KH_CLI_CMD_MODELS_H

/* The command: argc/argv start after "models". Returns an exit code. */
int cmd_models(int argc, char **argv);

#endif
