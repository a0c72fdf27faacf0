/*
 * stratumd: a stratum-1 NTP server from a GNSS receiver's NMEA and PPS.
 *
 * One header for the daemon, OpenBSD-ntpd style: the configuration, the
 * daemon's context (the only mutable state there is), then one prototype
 * section per source file.
 *
 * Data flow: serial bytes -> NMEA lexer/parser -> refclock (labels);
 * PPS edges (RFC 2783 device or chrony SOCK datagrams) -> refclock ->
 * PPS and NMEA samples; replies of upstream servers and peers -> their
 * associations -> clock-filter samples.  Every source's filter ->
 * selection -> the source (or combination) that steers -> discipline loop
 * -> clock; the loop's state and the system peer -> the NTP server's
 * answers, mode 6 (ntpq), the control socket, the statistics files, the
 * exports.
 */
#ifndef OUTPOST_STRATUMD_H
#define OUTPOST_STRATUMD_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "assoc.h"
#include "clock.h"
#include "ctlsrv.h"
#include "discipline.h"
#include "evloop.h"
#include "exporter.h"
#include "jsonw.h"
#include "leapfile.h"
#include "mode6.h"
#include "netacl.h"
#include "nmea.h"
#include "ntp_serve.h"
#include "pmtk.h"
#include "pps.h"
#include "ratelimit.h"
#include "refclock.h"
#include "select.h"
#include "serial.h"
#include "shm_export.h"

#define STRATUMD_CONF "/etc/stratumd.conf"
#define STRATUMD_MAX_LISTEN 8
/* Paths in the configuration; longer ones are refused when it is read, so
 * that a file name built from one always fits in PATH_MAX. */
#define CONF_PATH 256
#define STRATUMD_MAX_UPSTREAM 32    /* server, pool and peer lines */
#define STRATUMD_MAX_SOURCES 64     /* associations, refclocks included */
#define STRATUMD_HOST 256
#define STRATUMD_POOL_DEFAULT 4     /* members of a pool */

enum upstream_kind { UPSTREAM_SERVER, UPSTREAM_POOL, UPSTREAM_PEER };

/* One server, pool or peer line. */
struct upstream_conf {
	enum upstream_kind kind;
	char host[STRATUMD_HOST];
	uint16_t port;              /* 123 unless `port N` */
	bool iburst, prefer, noselect;
	int minpoll, maxpoll;
	int maxsources;             /* pool: members at once */
};

/* The receiver's two sources, PPS and NMEA (ntpd's drivers 22 and 20). */
struct refsource_conf {
	bool prefer, noselect;
};

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
	struct refsource_conf pps_src, nmea_src;
	/* upstream */
	struct upstream_conf upstream[STRATUMD_MAX_UPSTREAM];
	int nupstream;
	struct sel_conf sel;
	/* server */
	char listen[STRATUMD_MAX_LISTEN][64];
	int nlisten;
	uint16_t port;
	struct acl acl;
	struct acl query_acl;       /* who may use mode 6 besides localhost */
	bool ratelimit;
	struct rl_conf rl;
	bool query_ratelimit;       /* mode 6 from other than localhost */
	struct rl_conf query_rl;
	/* discipline */
	bool clock_control;
	struct disc_config disc;
	/* files and sockets */
	char state_dir[CONF_PATH];
	char stats_dir[CONF_PATH];
	bool loopstats, peerstats, clockstats;
	char control_path[CONF_PATH];
	char control_group[64];
	char export_sock[CONF_PATH];
	int export_shm;             /* -1: none */
	char user[64];              /* drop to this user; "" stays root */
	char leapfile[CONF_PATH];   /* leap-seconds.list; "" none */
	/* metrics (web.c) */
	char metrics_listen[64];    /* "ADDR:PORT"; "" no HTTP */
	char metrics_textfile[CONF_PATH]; /* for node_exporter; "" none */
	double metrics_interval;    /* s between textfile writes */
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
	double last_offset;         /* latest sample, true - local */
	bool have_sample;
	double delay_saved;         /* calibration last written to the state dir */
	int leap;                   /* announced by the PPS source: 0, 1 insert, 2 delete */
	char timecode[NMEA_MAX_LINE + 1]; /* the last RMC sentence, for ntpq's cv */
};

/* A host name lookup in flight (resolve.c), one per upstream line. */
#define RESOLVE_MAX_ADDRS 16
struct resolve_record {
	int family;                 /* 0: the lookup failed, gai_error says why */
	int gai_error;
	socklen_t len;
	struct sockaddr_storage addr;
};
struct resolve_slot {
	struct stratumd *sd;
	int up;
	int pid;                    /* 0: none running */
	int fd;                     /* the pipe from it; -1 none */
	size_t got;
	struct resolve_record rec[RESOLVE_MAX_ADDRS + 1];
	double next;                /* monotonic s of the next lookup; 0: not wanted */
	int tries;                  /* failures in a row */
};

enum source_kind { SOURCE_PPS, SOURCE_NMEA, SOURCE_NTP };

/* One source: a refclock half of the receiver, or an NTP association. */
struct source {
	enum source_kind kind;
	int up;                     /* its line in conf.upstream; -1 for refclocks */
	uint16_t associd;           /* mode 6 association id, in configuration order */
	bool prefer, noselect;
	char name[STRATUMD_HOST];   /* as configured, or "PPS(0)" / "GPS_NMEA(0)" */
	/* NTP: the address, once resolved (addrlen 0 until then). */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char addr_text[64];         /* numeric, without the port */
	struct assoc assoc;
	struct timespec sample_local; /* local clock at the last sample */
	double steered_t;           /* filter time of the last sample given to the loop */
	double last_sent;           /* monotonic s of our last packet to it */
	struct sockaddr_storage local; /* our address as it sees it */
	uint32_t local_refid;       /* its refid if it follows us (ntp_refid_from_addr) */
	/* Refclocks: reach shifts every REFSOURCE_POLL s. */
	struct filter rfilter;
	uint8_t rreach;
	bool rgot;
	double rshift, rlast;       /* monotonic s: next shift, last sample */
	/* The last selection's verdict, and the last event (mode 6). */
	struct sel_source sel;
	int nevents, event;
};

/* A source as `outpost peers` and the metrics show it (sources_view). */
struct source_view {
	const struct source *src;
	const char *kind;           /* "server", "pool", "peer", "pps", "nmea" */
	char tally;                 /* ntpq's: '*', '+', 'x', ... */
	int stratum;                /* 0 for the receiver's */
	int reach;
	double poll;                /* s */
	double when;                /* s since its last sample; -1 none */
	double offset, delay, jitter, dispersion; /* s; offset reference - local */
};

struct stratumd_sources {
	struct source src[STRATUMD_MAX_SOURCES];
	int n;
	uint16_t next_associd;
	int fd4, fd6;               /* client-mode sockets; -1: none */
	struct sel_result sel;
	int syspeer;                /* index of the system peer, or -1 */
	int steering;               /* index of the source that steers, or -1 */
	bool gate_open;             /* start-up over: selection may choose */
	double started;             /* monotonic s */
	struct resolve_slot resolve[STRATUMD_MAX_UPSTREAM]; /* one per upstream line */
	unsigned long sys_events;
};

/* What the last source to steer said of its reference (sync.c). */
struct sync_ref {
	bool valid;                 /* something has steered */
	uint8_t stratum;            /* ours: 1 from the receiver, N+1 from a server */
	uint32_t refid;             /* host order, as ntp_server_state has it */
	double root_delay, root_disp;
};

/* The leap second (leap.c). */
struct stratumd_leap {
	struct leapfile file;
	bool have_file;
	time_t mtime;               /* of the file read */
	double next_check;          /* monotonic s */
	enum ntp_leap announced;
	int64_t at;                 /* Unix s it takes effect, when announced */
	enum clock_leap armed;      /* in the kernel (or asked of clock_ro) */
};

struct stratumd {
	struct stratumd_conf conf;
	const char *conf_path;
	bool foreground;
	struct ev_loop *ev;
	struct clock *clock;
	struct clock_ro clock_ro;
	struct clock_sys clock_sys;
	struct disc disc;
	int8_t precision;
	struct stratumd_gps gps;
	bool have_gps;
	struct stratumd_sources sources;
	struct sync_ref ref;
	struct stratumd_leap leap;
	struct mode6_text query_text; /* the answer being built (query.c) */
	struct ntps server;
	struct rl_table *rl;
	struct rl_table *query_rl;  /* NULL: mode 6 not limited */
	uint64_t query_limited;     /* mode 6 requests dropped by it */
	struct ctlsrv *control;
	struct exporter *exporter;  /* metrics (web.c); NULL: none asked for */
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

/* sources.c */
int sources_open(struct stratumd *sd);
void sources_close(struct stratumd *sd);
void sources_tick(struct stratumd *sd);
void sources_refclock_sample(struct stratumd *sd, const struct refclock_sample *s);
/* A mode 1/2/4 packet that reached the server's socket: true if it was a
 * configured peer's (then it is not answered passively). */
bool sources_server_packet(struct stratumd *sd, const struct ntps_pkt *p,
    const struct ntp_packet *pkt);
void sources_select(struct stratumd *sd);
/* What the clock follows now, or NULL. */
const struct source *sources_steering(const struct stratumd *sd);
/* The leap second the sources announce: the PPS source's while the
 * receiver steers, else the majority of the surviving servers'. */
enum ntp_leap sources_leap(struct stratumd *sd);
double sources_now(void);
struct source *sources_by_associd(struct stratumd *sd, uint16_t associd);
const char *source_kind_name(enum source_kind k);
void sources_view(const struct stratumd *sd, int i, struct source_view *v);
int sources_peers_json(struct stratumd *sd, struct jsonw *w);

/* leap.c */
void leap_init(struct stratumd *sd);
void leap_tick(struct stratumd *sd);
/* LI for the answers: as of the last tick. */
enum ntp_leap leap_announced(const struct stratumd *sd);
void leap_json(const struct stratumd *sd, struct jsonw *w);

/* resolve.c */
int resolve_start(struct stratumd *sd, int up);
void resolve_stop_all(struct stratumd *sd);
/* Addresses arrive through sources_resolved(). */
void sources_resolved(struct stratumd *sd, int up, const struct sockaddr_storage *addrs,
    const socklen_t *lens, int n, const char *error);

/* query.c: mode 6, what ntpq reads. */
bool query_answer(void *arg, struct ntps_pkt *p);

/* sync.c */
void sync_sample(struct stratumd *sd, const struct refclock_sample *s);
void sync_update(struct stratumd *sd, const struct disc_sample *ls, const char *source);
void sync_refid_text(const struct ntp_server_state *st, char *buf, size_t len);
/* What clients would be told (stratum, refid, root delay and dispersion)
 * while s steers. */
void sync_reference(const struct stratumd *sd, const struct source *s, struct sync_ref *r);
void sync_server_state(struct stratumd *sd, struct ntp_server_state *st);
void sync_tick(struct stratumd *sd);
void sync_save(struct stratumd *sd);
int8_t sync_measure_precision(void);

/* control.c */
int control_open(struct stratumd *sd);
void control_close(struct stratumd *sd);
int control_status_json(struct stratumd *sd, char *buf, size_t len);

/* metrics.c: Prometheus text (promtext.h) into b; -1 if it did not fit. */
int metrics_text(struct stratumd *sd, struct strbuf *b);

/* web.c: /metrics over HTTP, and the textfile for node_exporter (exporter.h). */
void web_open(struct stratumd *sd);
void web_close(struct stratumd *sd);
void web_tick(struct stratumd *sd);

/* stats.c */
void stats_loop(struct stratumd *sd, const struct disc_status *st);
void stats_source(struct stratumd *sd, const char *id, int status, double offset,
    double delay, double dispersion, double jitter);
void stats_clock(struct stratumd *sd, const char *sentence);
int stats_format_loop(char *buf, size_t len, struct timespec now, const struct disc_status *st);
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
