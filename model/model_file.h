/* The model file: a versioned, checksummed binary format holding everything needed to
 * score, and nothing that can execute. Layout (all integers and floats little-endian):
 *
 *   magic "SFIFORST" | u32 format version (2) | u32 n_features | u32 n_trees
 *   | u32 sample_size | u32 height_limit | u32 n_nodes | u64 seed | u64 train_rows
 *   | i64 trained_at_us | f64 contamination | f64 range_extension | f64 threshold
 *   | u32 schema_version
 *   | u64 schema_hash
 *   | n_features x (u16 length, name bytes)
 *   | n_features x (f32 low, f32 median, f32 high, f32 baseline)
 *   | u32 profile entries (0xffffffff: no profile) | u64 profile requests
 *   | entries x (u16 key length, key, u32 max_len, u32 count, u8 has byte counts,
 *                [256 x u16 byte counts])
 *   | (n_trees + 1) x u32 tree start
 *   | n_nodes x (u32 left, u16 feature, u16 size, f32 split, f32 path)
 *   | u32 CRC-32 (zlib) of every byte before it
 *
 * Loading checks the checksum, every size against the bytes present, every node index,
 * feature and value, and the tree depths, so a loaded model can never read outside its
 * arrays; it rejects truncated, corrupt, wrong-version and inconsistent files with a
 * clear message. */
#ifndef SF_MODEL_MODEL_FILE_H
#define SF_MODEL_MODEL_FILE_H

#include <stddef.h>
#include <stdint.h>
#include "model/iforest.h"

#define SF_MODEL_MAGIC "SFIFORST"
#define SF_MODEL_MAGIC_LEN 8
#define SF_MODEL_FORMAT_VERSION 2
#define SF_MODEL_FILE_MAX (256u << 20)
#define SF_MODEL_NO_PROFILE 0xffffffffu

/* Serialises into a malloc'd buffer. Returns 0 or -1 with err set. */
int sf_model_serialize(const sf_iforest *model, unsigned char **out, size_t *out_len,
                       char *err, size_t err_size);
/* Parses and validates a buffer. NULL with err set on any problem. */
sf_iforest *sf_model_load_buffer(const void *data, size_t len, char *err, size_t err_size);

/* Writes atomically (temporary file + rename). */
int sf_model_save_file(const sf_iforest *model, const char *path, char *err, size_t err_size);
sf_iforest *sf_model_load_file(const char *path, char *err, size_t err_size);

/* Checks that the model was trained on exactly this schema (version and hash). */
int sf_model_check_schema(const sf_iforest *model, uint32_t schema_version,
                          uint64_t schema_hash, char *err, size_t err_size);

#endif
