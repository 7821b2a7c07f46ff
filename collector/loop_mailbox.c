/* The loop mailbox (see loop_mailbox.h): a locked FIFO plus one libevent event that is
 * activated whenever the FIFO becomes non-empty. */
#include "collector/loop_mailbox.h"

#include <pthread.h>
#include <stdlib.h>

struct mail {
    sf_mail_fn fn;
    void *arg;
    struct mail *next;
};

struct sf_loop_mailbox {
    pthread_mutex_t lock;
    struct mail *head, *tail;
    struct event *wake;
};

static void drain(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    sf_loop_mailbox *mb = arg;
    pthread_mutex_lock(&mb->lock);
    struct mail *list = mb->head;
    mb->head = mb->tail = NULL;
    pthread_mutex_unlock(&mb->lock);
    while (list) {
        struct mail *next = list->next;
        list->fn(list->arg);
        free(list);
        list = next;
    }
}

sf_loop_mailbox *sf_loop_mailbox_new(struct event_base *base)
{
    sf_loop_mailbox *mb = calloc(1, sizeof *mb);
    if (!mb)
        return NULL;
    pthread_mutex_init(&mb->lock, NULL);
    mb->wake = event_new(base, -1, 0, drain, mb);
    return mb;
}

void sf_loop_mailbox_post(sf_loop_mailbox *mb, sf_mail_fn fn, void *arg)
{
    struct mail *m = malloc(sizeof *m);
    if (!m) {
        abort(); /* a lost completion would leave a client hanging forever */
    }
    m->fn = fn;
    m->arg = arg;
    m->next = NULL;
    pthread_mutex_lock(&mb->lock);
    int was_empty = mb->head == NULL;
    if (mb->tail)
        mb->tail->next = m;
    else
        mb->head = m;
    mb->tail = m;
    pthread_mutex_unlock(&mb->lock);
    if (was_empty)
        event_active(mb->wake, 0, 0);
}

void sf_loop_mailbox_free(sf_loop_mailbox *mb)
{
    if (!mb)
        return;
    drain(-1, 0, mb);
    event_free(mb->wake);
    pthread_mutex_destroy(&mb->lock);
    free(mb);
}
