/* The loop mailbox: how worker threads (database writer, query pool) hand results back
 * to the event loop thread, which alone may touch libevent's HTTP objects. */
#ifndef SF_LOOP_MAILBOX_H
#define SF_LOOP_MAILBOX_H

#include <event2/event.h>

typedef struct sf_loop_mailbox sf_loop_mailbox;
typedef void (*sf_mail_fn)(void *arg);

sf_loop_mailbox *sf_loop_mailbox_new(struct event_base *base);
/* From any thread: fn(arg) will run on the loop thread, in posting order. */
void sf_loop_mailbox_post(sf_loop_mailbox *mb, sf_mail_fn fn, void *arg);
/* Runs what is still queued, then frees. Call on the loop thread after it stopped. */
void sf_loop_mailbox_free(sf_loop_mailbox *mb);

#endif
