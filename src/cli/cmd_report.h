/*
 * cmd_report.h - khuyenhoc report ... and khuyenhoc indicator ...: report
 * forms, one unit's report, consolidated reports, completeness, shares and
 * indicators on the command line.
 */
#ifndef KH_CLI_CMD_REPORT_H
#define KH_CLI_CMD_REPORT_H

#include <stdint.h>

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

/* The commands: argc/argv start after "report" / "indicator". */
int cmd_report(int argc, char **argv);
int cmd_indicator(int argc, char **argv);

/*
 * For the demo command: load the shipped forms and indicators, assign the
 * yearly form for 2025, and enter a few approved reports (2025 for two new
 * wards of Hải Phòng; the 2023 Study Encouragement Month for old wards of
 * Quận Lê Chân). Adds to *made the reports created. Idempotent.
 */
int cmd_report_demo(struct db *db, const struct actor *sys, int *made,
    struct kh_err *err);

#endif
