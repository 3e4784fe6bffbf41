/* xld's table of the domains it manages: name, UUID and configuration for
 * every domid that vmhv runs. The table is kept in $VMCTL_STATEDIR/domains/
 * (one JSON file per domain) so that a restarted xld re-adopts the running
 * domains (see xld_domains_recover). vmhv knows domids and UUIDs only; names
 * are the toolstack's business, as in Xen. */
#ifndef VMCTL_XLD_DOMAIN_H
#define VMCTL_XLD_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

struct xld;
struct xld_console;
struct xld_evtchn;
struct xenstored;
struct xld_dev;

#define XLD_NAME_MAX 64

struct xld_domain {
	uint32_t domid;
	char name[XLD_NAME_MAX];
	uint8_t uuid[16];
	char *config_json;       /* the domain's configuration (xl list -l) */
	uint64_t created_ns;     /* CLOCK_REALTIME, for xl uptime */
	/* The shared pages xld serves, from the builder; kept in the state file
	 * so a restarted xld attaches to the same rings. */
	uint64_t console_pfn, store_pfn;
	uint32_t console_port, store_port;
	void *console_page, *store_page;    /* mapped while attached */
	struct xld_console *console;        /* console 0 backend */
	struct xld_evtchn *store_ev;        /* the xenstore ring's channel */
	struct xenstored *xs_ctx;           /* set while the ring is attached */
	struct xld_dev *devs;               /* devices.h: PV devices */
	bool shutdown_handled;              /* monitor: action applied (preserve) */
	unsigned restarts;                  /* monitor: restarts in the window */
	uint64_t restart_window_ns;
	struct xld_domain *next;
};

/* Add a domain to the table and write its state file. The config text is
 * copied. Returns the entry, or NULL (errno set). */
struct xld_domain *xld_domain_add(struct xld *xld, uint32_t domid, const char *name,
				  const uint8_t uuid[16], const char *config_json);
/* Build an entry without adding it (create fills it, then xld_domain_insert). */
struct xld_domain *xld_domain_new(uint32_t domid, const char *name, const uint8_t uuid[16],
				  const char *config_json);
/* Write its state file and add it to the table; 0 or -errno. */
int xld_domain_insert(struct xld *xld, struct xld_domain *d);
void xld_domain_free(struct xld_domain *d);
/* Remove from the table and delete the state file. */
void xld_domain_remove(struct xld *xld, struct xld_domain *d);
struct xld_domain *xld_domain_by_id(struct xld *xld, uint32_t domid);
struct xld_domain *xld_domain_by_name(struct xld *xld, const char *name);
/* "name" or a decimal domid, as xl accepts them. */
struct xld_domain *xld_domain_lookup(struct xld *xld, const char *name_or_id);
/* Rename, rewriting the state file; -EEXIST if the name is taken. */
int xld_domain_rename(struct xld *xld, struct xld_domain *d, const char *name);

/* Map the domain's console and xenstore pages and start serving them (the
 * console backend and the xenstore ring). Used by create and by recovery. */
int xld_domain_attach(struct xld *xld, struct xld_domain *d);
/* Stop serving them and unmap (idempotent). */
void xld_domain_detach(struct xld *xld, struct xld_domain *d);
/* Rewrite the state file (after fields changed). */
int xld_domain_save(struct xld *xld, struct xld_domain *d);

/* Take the domain down for good: its devices, console, xenstore nodes, the
 * domain in vmhv, and its entry here. Returns 0 or vmhv's -errno (the entry
 * is removed in any case if vmhv no longer knows the domain). */
int xld_domain_destroy(struct xld *xld, struct xld_domain *d);

/* Load the state files and keep those whose domid vmhv still runs with the
 * same UUID; delete the others. Returns the number adopted. */
int xld_domains_recover(struct xld *xld);
void xld_domains_free(struct xld *xld);

/* A domain name is 1..63 printable characters, no '/', not all digits. */
bool xld_domain_name_valid(const char *name);

#endif
