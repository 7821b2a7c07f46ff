/* Passwords (see auth_password.h). */
#include "collector/auth_password.h"

#include <pthread.h>
#include <string.h>

static char dummy_hash[SF_PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* Counts code points of UTF-8 text; -1 if it is not UTF-8 (or holds a NUL). Overlong
 * three- and four-byte forms are not hunted: the count only enforces a minimum length. */
static long utf8_chars(const unsigned char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; n++) {
        unsigned char c = s[i];
        size_t extra;
        if (c == 0)
            return -1;
        else if (c < 0x80)
            extra = 0;
        else if (c >= 0xc2 && c <= 0xdf)
            extra = 1;
        else if ((c & 0xf0) == 0xe0)
            extra = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            extra = 3;
        else
            return -1;
        if (extra > len - i - 1)
            return -1;
        for (size_t k = 1; k <= extra; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return -1;
        i += extra + 1;
    }
    return n;
}

const char *sf_password_policy(const char *password, size_t len)
{
    if (len > SF_PASSWORD_MAX_BYTES)
        return "Password must be at most 1024 bytes";
    long chars = utf8_chars((const unsigned char *)password, len);
    if (chars < 0)
        return "Password must be UTF-8 text";
    if (chars < SF_PASSWORD_MIN_CHARS)
        return "Password must be at least 8 characters";
    return NULL;
}

int sf_password_hash(const char *password, size_t len, char out[SF_PASSWORD_HASH_MAX])
{
    return crypto_pwhash_str(out, password, len, SF_PWHASH_OPSLIMIT, SF_PWHASH_MEMLIMIT);
}

static void make_dummy(void)
{
    unsigned char random_password[32];
    randombytes_buf(random_password, sizeof random_password);
    if (crypto_pwhash_str(dummy_hash, (const char *)random_password, sizeof random_password,
                          SF_PWHASH_OPSLIMIT, SF_PWHASH_MEMLIMIT) != 0)
        dummy_hash[0] = '\0';
    sodium_memzero(random_password, sizeof random_password);
}

int sf_password_init(void)
{
    pthread_once(&dummy_once, make_dummy);
    return dummy_hash[0] ? 0 : -1;
}

bool sf_password_verify(const char *stored, const char *password, size_t len)
{
    sf_password_init();
    /* A stored hash from elsewhere with other parameters still verifies; only our own
     * (the known-account case and the stand-in) are the same cost by construction. */
    const char *against = stored && stored[0] ? stored : dummy_hash;
    int ok = crypto_pwhash_str_verify(against, password, len) == 0;
    return ok && against != dummy_hash;
}
