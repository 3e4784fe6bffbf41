/*
 * The state machine that a PV frontend and backend each publish in their
 * xenstore `state` node while they connect and disconnect.
 */
#ifndef VMCTL_XEN_IO_XENBUS_H
#define VMCTL_XEN_IO_XENBUS_H

enum xenbus_state {
	XenbusStateUnknown       = 0,
	XenbusStateInitialising  = 1,	/* both start here */
	XenbusStateInitWait      = 2,	/* backend: features published, waiting */
	XenbusStateInitialised   = 3,	/* frontend: rings published */
	XenbusStateConnected     = 4,
	XenbusStateClosing       = 5,
	XenbusStateClosed        = 6,
	XenbusStateReconfiguring = 7,
	XenbusStateReconfigured  = 8,
};
typedef enum xenbus_state XenbusState;

#endif
