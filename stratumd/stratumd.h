/*
 * stratumd: a stratum-1 NTP server from a GNSS receiver's NMEA and PPS.
 *
 * One header for the daemon, OpenBSD-ntpd style: the configuration, the
 * daemon's context (the only mutable state there is), then one prototype
 * section per source file.
 *
 * Data flow: serial bytes -> NMEA lexer/parser -> refclock (labels);
 * PPS edges (RFC 2783 device or chrony SOCK datagrams) -> refclock ->
 * samples -> discipline loop -> clock; the loop's state -> the NTP
 * server's answers, the control socket, the statistics files, the exports.
 */
#ifndef OUTPOST_STRATUMD_H
#define OUTPOST_STRATUMD_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "clock.h"
#include "ctlsrv.h"
#include "discipline.h"
#include "evloop.h"
#include "netacl.h"
#include "nmea.h"
#include "ntp_serve.h"
#include "pmtk.h"
#include "pps.h"
#include "ratelimit.h"
#include "refclock.h"
#include "serial.h"
#include "shm_export.h"

#define STRATUMD_CONF "/etc/stratumd.conf"
#define STRATUMD_MAX_LISTEN 8
/* Paths in the configuration; longer ones are refused when it is read, so
 * that a file name built from one always fits in PATH_MAX. */
#define CONF_PATH 256

struct stratumd_conf {
	/* receiver */
	char gps_device[CONF_PATH];
	int gps_baud;
	bool gps_configure;         /* send PMTK commands at start */
	struct pmtk_output gps_sentences;
	bool gps_set_sentences;
	int gps_rate_ms;            /* 0: leave alone */
	int gps_new_baud;           /* 0: leave alone */
	char pps_device[CONF_PATH];  /* RFC 2783 */
	char pps_socket[CONF_PATH];  /* chrony SOCK datagrams in */
	double nmea_delay;          /* seed for calibration; 0: from state / measured */
	/* server */
	char listen[STRATUMD_MAX_LISTEN][64];
	int nlisten;
	uint16_t port;
	struct acl acl;
	bool ratelimit;
	struct rl_conf rl;
	/* discipline */
	bool clock_control;
	struct loop_config loop;
	/* files and sockets */
	char state_dir[CONF_PATH];
	char stats_dir[CONF_PATH];
	bool loopstats, peerstats, clockstats;
	char control_path[CONF_PATH];
	char control_group[64];
	char export_sock[CONF_PATH];
	int export_shm;             /* -1: none */
	char user[64];              /* drop to this user; "" stays root */
};

struct stratumd_gps {
	struct serial_port port;
	bool open;
	struct nmea_lexer lexer;
	struct refclock rc;
	int sats;                   /* from GGA; -1 unknown */
	char fix_status;            /* RMC status */
	int quality;
	struct timespec last_nmea;  /* monotonic */
	struct timespec last_pps;   /* monotonic */
	unsigned long pps_edges;
	unsigned long nmea_sentences, nmea_rejected;
	struct pps_dev *pps_dev;
	int pps_sock_fd;
	bool use_pps;               /* PPS samples seen recently: NMEA-only samples off */
	double last_offset;         /* latest sample, true - local */
	bool have_sample;
	double delay_saved;         /* calibration last written to the state dir */
	int leap;                   /* announced by the PPS source: 0, 1 insert, 2 delete */
};

struct stratumd {
	struct stratumd_conf conf;
	const char *conf_path;
	bool foreground;
	struct ev_loop *ev;
	struct clock *clock;
	struct clock_ro clock_ro;
	struct clock_sys clock_sys;
	struct loop loop;
	int8_t precision;
	struct stratumd_gps gps;
	struct ntps server;
	struct rl_table *rl;
	struct ctlsrv *control;
	int export_fd;
	struct shm_export shm;
	bool shm_open;
	struct timespec started;    /* monotonic */
	struct timespec last_drift_save;
};

/* conf.c */
void conf_defaults(struct stratumd_conf *c);
int conf_load(struct stratumd_conf *c, const char *path, char *err, size_t errlen);
int conf_parse_buffer(struct stratumd_conf *c, const char *name, const char *buf,
    size_t len, char *err, size_t errlen);

/* gps.c */
int gps_open(struct stratumd *sd);
void gps_close(struct stratumd *sd);
void gps_tick(struct stratumd *sd);

/* sync.c */
void sync_sample(struct stratumd *sd, const struct refclock_sample *s);
void sync_server_state(struct stratumd *sd, struct ntp_server_state *st);
void sync_tick(struct stratumd *sd);
void sync_save(struct stratumd *sd);
int8_t sync_measure_precision(void);

/* control.c */
int control_open(struct stratumd *sd);
void control_close(struct stratumd *sd);
int control_status_json(struct stratumd *sd, char *buf, size_t len);

/* stats.c */
void stats_loop(struct stratumd *sd, const struct loop_status *st);
void stats_peer(struct stratumd *sd, const struct refclock_sample *s, double jitter);
void stats_clock(struct stratumd *sd, const char *sentence);
int stats_format_loop(char *buf, size_t len, struct timespec now, const struct loop_status *st);
int stats_format_peer(char *buf, size_t len, struct timespec now, const char *id, int status,
    double offset, double delay, double dispersion, double jitter);

/* export.c */
int export_open(struct stratumd *sd);
void export_sample(struct stratumd *sd, const struct refclock_sample *s);
void export_close(struct stratumd *sd);

/* state.c */
int state_load_delay(const char *dir, double *delay);
int state_save_delay(const char *dir, double delay);
int state_save_text(const char *dir, const char *name, const char *text);
int state_load_text(const char *dir, const char *name, char *buf, size_t len);

#endif
