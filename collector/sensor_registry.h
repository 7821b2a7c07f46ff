/* Sensors seen by this collector: last heartbeat or batch time per sensor id, kept in
 * memory (bounded) so /api/health can count live sensors without a query. The database
 * table `sensors` holds the details for /api/sensors. */
#ifndef SF_SENSOR_REGISTRY_H
#define SF_SENSOR_REGISTRY_H

#include <stdint.h>

#define SF_SENSORS_MAX 4096

typedef struct sf_sensor_registry sf_sensor_registry;

sf_sensor_registry *sf_sensor_registry_new(void);
void sf_sensor_registry_free(sf_sensor_registry *reg);
/* Notes that sensor_id was heard from at now_us (thread-safe). */
void sf_sensor_registry_seen(sf_sensor_registry *reg, const char *sensor_id, int64_t now_us);
/* Sensors heard from since since_us. */
int sf_sensor_registry_count_since(sf_sensor_registry *reg, int64_t since_us);
/* Sensors forgotten so far because the table was full. */
uint64_t sf_sensor_registry_forgotten(sf_sensor_registry *reg);

struct sf_app;
/* Sensors heard from in the last 5 minutes. */
int sf_sensors_recent_count(struct sf_app *app);

#endif
