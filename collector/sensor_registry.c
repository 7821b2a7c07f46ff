/* Sensors seen by this collector (see sensor_registry.h). */
#include "collector/sensor_registry.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/app.h"
#include "common/time_util.h"

struct seen {
    char id[257];
    int64_t last_us;
};

struct sf_sensor_registry {
    pthread_mutex_t lock;
    struct seen *items;
    int count;
    uint64_t forgotten;       /* sensors dropped for a newer one when full */
};

sf_sensor_registry *sf_sensor_registry_new(void)
{
    sf_sensor_registry *reg = calloc(1, sizeof *reg);
    reg->items = calloc(SF_SENSORS_MAX, sizeof *reg->items);
    pthread_mutex_init(&reg->lock, NULL);
    return reg;
}

void sf_sensor_registry_free(sf_sensor_registry *reg)
{
    if (!reg)
        return;
    pthread_mutex_destroy(&reg->lock);
    free(reg->items);
    free(reg);
}

void sf_sensor_registry_seen(sf_sensor_registry *reg, const char *sensor_id, int64_t now_us)
{
    pthread_mutex_lock(&reg->lock);
    int oldest = 0;
    for (int i = 0; i < reg->count; i++) {
        if (strcmp(reg->items[i].id, sensor_id) == 0) {
            reg->items[i].last_us = now_us;
            pthread_mutex_unlock(&reg->lock);
            return;
        }
        if (reg->items[i].last_us < reg->items[oldest].last_us)
            oldest = i;
    }
    /* A full table forgets the sensor heard from longest ago. */
    int full = reg->count == SF_SENSORS_MAX;
    int slot = full ? oldest : reg->count++;
    reg->forgotten += (uint64_t)full;
    snprintf(reg->items[slot].id, sizeof reg->items[slot].id, "%s", sensor_id);
    reg->items[slot].last_us = now_us;
    pthread_mutex_unlock(&reg->lock);
}

int sf_sensor_registry_count_since(sf_sensor_registry *reg, int64_t since_us)
{
    pthread_mutex_lock(&reg->lock);
    int n = 0;
    for (int i = 0; i < reg->count; i++)
        n += reg->items[i].last_us >= since_us;
    pthread_mutex_unlock(&reg->lock);
    return n;
}

int sf_sensors_recent_count(struct sf_app *app)
{
    return sf_sensor_registry_count_since(app->sensors, sf_now_us() - 300LL * 1000000);
}

uint64_t sf_sensor_registry_forgotten(sf_sensor_registry *reg)
{
    pthread_mutex_lock(&reg->lock);
    uint64_t n = reg->forgotten;
    pthread_mutex_unlock(&reg->lock);
    return n;
}
