/*
 * sock_table.c — the descriptor table of one stack (see sock_table.h).
 */
#include "stack/socket/sock_table.h"

#include <errno.h>
#include <stdlib.h>

#include "stack/socket/socket_udp.h"

struct sock_table {
    struct stack *st;
    struct sock *slots[SOCK_TABLE_SIZE];
    const struct sock_proto_ops *protos[SOCK_MAX_PROTOS];
    size_t count;
};

struct sock_table *sock_table_new(struct stack *st)
{
    struct sock_table *t = calloc(1, sizeof *t);

    if (t == NULL)
        return NULL;
    t->st = st;
    sock_table_add_proto(t, &socket_udp_ops);
    return t;
}

void sock_table_free(struct sock_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < SOCK_TABLE_SIZE; i++)
        free(t->slots[i]);
    free(t);
}

int sock_table_add_proto(struct sock_table *t, const struct sock_proto_ops *ops)
{
    for (size_t i = 0; i < SOCK_MAX_PROTOS; i++) {
        if (t->protos[i] != NULL && t->protos[i]->type == ops->type)
            return -EEXIST;
    }
    for (size_t i = 0; i < SOCK_MAX_PROTOS; i++) {
        if (t->protos[i] == NULL) {
            t->protos[i] = ops;
            return 0;
        }
    }
    return -ENOSPC;
}

size_t sock_table_count(const struct sock_table *t) { return t->count; }

const struct sock_proto_ops *sock_table_proto(const struct sock_table *t, int type)
{
    for (size_t i = 0; i < SOCK_MAX_PROTOS; i++) {
        if (t->protos[i] != NULL && t->protos[i]->type == type)
            return t->protos[i];
    }
    return NULL;
}

struct sock *sock_alloc(struct stack *st, const struct sock_proto_ops *ops, void *pcb)
{
    struct sock *s = calloc(1, sizeof *s);

    if (s == NULL)
        return NULL;
    s->st = st;
    s->fd = -1;
    s->ops = ops;
    s->pcb = pcb;
    return s;
}

int sock_table_install(struct sock_table *t, struct sock *s)
{
    for (int fd = SOCK_FIRST_FD; fd < SOCK_TABLE_SIZE; fd++) {
        if (t->slots[fd] == NULL) {
            t->slots[fd] = s;
            s->fd = fd;
            t->count++;
            return fd;
        }
    }
    return -EMFILE;
}

struct sock *sock_table_lookup(const struct sock_table *t, int fd)
{
    if (fd < 0 || fd >= SOCK_TABLE_SIZE)
        return NULL;
    return t->slots[fd];
}

void sock_table_release(struct sock_table *t, struct sock *s)
{
    if (s->fd >= 0 && s->fd < SOCK_TABLE_SIZE && t->slots[s->fd] == s) {
        t->slots[s->fd] = NULL;
        t->count--;
    }
    free(s);
}

/* ---- socket_proto.h: what the transports see of a struct sock -------- */

void *sock_pcb(const struct sock *s) { return s->pcb; }
void sock_set_pcb(struct sock *s, void *pcb) { s->pcb = pcb; }

struct sock *sock_new_child(struct stack *st, struct sock *parent, void *pcb)
{
    return sock_alloc(st, parent->ops, pcb);
}

void sock_notify(struct sock *s, usec_t now)
{
    unsigned events;

    if (s->callback == NULL)
        return;
    events = s->ops->events != NULL ? s->ops->events(s->st, s) : 0;
    s->callback(s->callback_ctx, s->fd, events, now);
}
