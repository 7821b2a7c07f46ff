/* The unit-test runner: registers every suite (one per tests/unit/test_<module>.c,
 * listed at build time in suites.inc), runs them, and prints one summary line that
 * tests/run-all.sh adds up. With an argument, runs only the suites named. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#define SF_SUITE(m) void sf_test_register_##m(void);
#include "suites.inc"
#undef SF_SUITE

struct suite_entry {
    const char *name;
    void (*register_fn)(void);
};

static const struct suite_entry all_suites[] = {
#define SF_SUITE(m) {#m, sf_test_register_##m},
#include "suites.inc"
#undef SF_SUITE
    {NULL, NULL},
};

static int wanted(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    for (size_t i = 0; all_suites[i].name; i++)
        if (wanted(all_suites[i].name, argc, argv))
            all_suites[i].register_fn();
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned run = CU_get_number_of_tests_run();
    unsigned failed = CU_get_number_of_tests_failed();
    unsigned suite_failures = CU_get_number_of_suites_failed();
    printf("\nunit: %u passed, %u failed\n", run - failed, failed + suite_failures);
    CU_cleanup_registry();
    return (failed || suite_failures) ? 1 : 0;
}
