/* Incidents (see detect_incidents.h). */
#include "collector/detect_incidents.h"

#include "collector/detect_slots.h"
#include "common/text_hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_WINDOW 8
#define NAME_MAX_LEN 176 /* family|subject, before |first seen */
#define TALLY_TYPES 6     /* the distinct specific types one incident tallies */
#define TALLY_CAP 300     /* a count past this weighs no more (the weight fits a smallint) */

typedef struct incident {
    uint64_t hash;          /* 0: free */
    char name[NAME_MAX_LEN];
    int64_t first_us, last_us;
    uint64_t job_serial;
    long job_slot;
    struct { int16_t rank; uint16_t count; } tally[TALLY_TYPES];
} incident;

struct sf_incident_table {
    uint32_t capacity;
    incident *items;
    uint64_t evictions;     /* open incidents forgotten to make room */
    incident *last;         /* the one the last sf_incident_note named */
};

sf_incident_table *sf_incident_table_new(uint32_t capacity)
{
    sf_incident_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->items = sf_slots_alloc(capacity, 16, (1u << 20), sizeof *t->items, &t->capacity);
    if (!t->items) {
        free(t);
        return NULL;
    }
    return t;
}

uint64_t sf_incident_table_evictions(const sf_incident_table *t) { return t->evictions; }

void sf_incident_table_free(sf_incident_table *t)
{
    if (t) {
        free(t->items);
        free(t);
    }
}

static incident *find_or_claim(sf_incident_table *t, const char *name, bool *claimed)
{
    uint64_t h = sf_text_hash(name);
    h = h ? h : 1;
    incident *victim = NULL;
    for (uint32_t i = 0; i < PROBE_WINDOW; i++) {
        incident *x = &t->items[(h + i) & (t->capacity - 1)];
        if (x->hash == h && strcmp(x->name, name) == 0) {
            *claimed = false;
            return x;
        }
        if (!victim || x->hash == 0 || (victim->hash && x->last_us < victim->last_us))
            victim = x;
        if (x->hash == 0)
            break;
    }
    t->evictions += victim->hash != 0;
    memset(victim, 0, sizeof *victim);
    victim->hash = h;
    snprintf(victim->name, sizeof victim->name, "%s", name);
    *claimed = true;
    return victim;
}

bool sf_incident_note(sf_incident_table *t, const char *family, const char *subject,
                      bool demo, int64_t ts_us, int64_t quiet_us, uint64_t job_serial,
                      char key[SF_INCIDENT_KEY_MAX], long **job_slot)
{
    char name[NAME_MAX_LEN];
    snprintf(name, sizeof name, "%s%s|%s", demo ? "demo:" : "", family, subject);
    bool opened;
    incident *x = find_or_claim(t, name, &opened);
    if (!opened && ts_us - x->last_us > quiet_us) {
        opened = true; /* quiet for long enough: that one is closed, this is a new one */
        x->job_serial = 0;
    }
    if (opened) {
        x->first_us = x->last_us = ts_us;
        x->job_slot = -1;
        memset(x->tally, 0, sizeof x->tally);
    } else if (ts_us > x->last_us) {
        x->last_us = ts_us;
    }
    if (x->job_serial != job_serial) {
        x->job_serial = job_serial;
        x->job_slot = -1;
    }
    snprintf(key, SF_INCIDENT_KEY_MAX, "%s|%lld", name, (long long)x->first_us);
    *job_slot = &x->job_slot;
    t->last = x;
    return opened;
}

int sf_incident_weigh(sf_incident_table *t, int rank)
{
    incident *x = t->last;
    if (!x)
        return rank;
    int slot = -1;
    for (int i = 0; i < TALLY_TYPES && slot < 0; i++)
        if (x->tally[i].rank == rank || x->tally[i].count == 0)
            slot = i;
    if (slot < 0) { /* full: the least counted type makes room */
        slot = 0;
        for (int i = 1; i < TALLY_TYPES; i++)
            if (x->tally[i].count < x->tally[slot].count)
                slot = i;
        x->tally[slot].count = 0;
    }
    x->tally[slot].rank = (int16_t)rank;
    if (x->tally[slot].count < TALLY_CAP)
        x->tally[slot].count++;
    return x->tally[slot].count * 100 + rank;
}
