/* The read API's answer cache (see api_cache.h): a few slots, least recently stored
 * replaced first. */
#include "collector/api_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "collector/app.h"
#include "collector/http_server.h"
#include "common/time_util.h"

#define SLOTS 64
#define MAX_AGE_US (10LL * 1000000)
#define MAX_TEXT (64u << 20) /* answers larger than this are not kept */

typedef struct slot {
    char key[SF_API_CACHE_KEY_MAX];
    uint64_t generation;
    int64_t stored_us;
    char *text;
    size_t len;
} slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static slot slots[SLOTS];
static atomic_uint_fast64_t api_changes;

uint64_t sf_api_data_generation(struct sf_app *app)
{
    sf_db_writer_stats ws;
    sf_db_writer_get_stats(app->writer, &ws);
    return ws.records_written + ws.groups_written + atomic_load(&api_changes);
}

void sf_api_data_changed(void) { atomic_fetch_add(&api_changes, 1); }

char *sf_api_cache_get(const char *key, uint64_t generation, size_t *len)
{
    char *copy = NULL;
    if (!key[0])
        return NULL;
    int64_t now = sf_monotonic_us();
    pthread_mutex_lock(&lock);
    for (int i = 0; i < SLOTS; i++) {
        slot *s = &slots[i];
        if (!s->text || s->generation != generation || now - s->stored_us > MAX_AGE_US ||
            strcmp(s->key, key) != 0)
            continue;
        copy = malloc(s->len + 1);
        if (copy) {
            memcpy(copy, s->text, s->len + 1);
            *len = s->len;
        }
        break;
    }
    pthread_mutex_unlock(&lock);
    return copy;
}

/* The slot holding key, else an empty one, else the oldest. Called with the lock held. */
static int pick_slot(const char *key)
{
    int oldest = 0;
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].text && strcmp(slots[i].key, key) == 0)
            return i;
    for (int i = 0; i < SLOTS; i++) {
        if (!slots[i].text)
            return i;
        if (slots[i].stored_us < slots[oldest].stored_us)
            oldest = i;
    }
    return oldest;
}

void sf_api_cache_put(const char *key, uint64_t generation, const char *text, size_t len)
{
    if (!key[0] || strlen(key) >= SF_API_CACHE_KEY_MAX || len > MAX_TEXT)
        return;
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, text, len);
    copy[len] = '\0';
    pthread_mutex_lock(&lock);
    slot *s = &slots[pick_slot(key)];
    free(s->text);
    strcpy(s->key, key);
    s->generation = generation;
    s->stored_us = sf_monotonic_us();
    s->text = copy;
    s->len = len;
    pthread_mutex_unlock(&lock);
}

bool sf_api_cache_reply(struct sf_request *r, const char *key, uint64_t generation)
{
    size_t len;
    char *text = sf_api_cache_get(key, generation, &len);
    if (!text)
        return false;
    sf_reply_raw(r, 200, "application/json", text, len);
    free(text);
    return true;
}
