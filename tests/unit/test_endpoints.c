/* test_endpoints.c - presets name the real hosts; a custom base serves every API while tokens
 * still name the real resource. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tater/endpoints.h"

static void test_public(void **state)
{
	struct endpoints ep;
	struct tater_err err = {0};
	char scope[300];
	char *u;

	assert_int_equal(endpoints_preset("public", &ep, &err), 0);
	assert_string_equal(ep.base[ENDPOINTS_LOGIN], "https://login.microsoftonline.com");
	assert_string_equal(ep.base[ENDPOINTS_GRAPH], "https://graph.microsoft.com");
	assert_string_equal(ep.base[ENDPOINTS_ARM], "https://management.azure.com");
	assert_string_equal(ep.base[ENDPOINTS_EXCHANGE], "https://outlook.office365.com");
	assert_int_equal(endpoints_scope(&ep, ENDPOINTS_GRAPH, scope, sizeof(scope)), 0);
	assert_string_equal(scope, "https://graph.microsoft.com/.default");
	assert_int_equal(endpoints_scope(&ep, ENDPOINTS_LOGIN, scope, sizeof(scope)), -1);
	u = endpoints_token_url(&ep, "contoso.onmicrosoft.com");
	assert_string_equal(u, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/"
			       "v2.0/token");
	free(u);
	u = endpoints_url(&ep, ENDPOINTS_GRAPH, "/v1.0/users?$top=999");
	assert_string_equal(u, "https://graph.microsoft.com/v1.0/users?$top=999");
	free(u);
}

static void test_sovereign(void **state)
{
	struct endpoints ep;
	struct tater_err err = {0};
	char scope[300];

	assert_int_equal(endpoints_preset("gcchigh", &ep, &err), 0);
	assert_string_equal(ep.base[ENDPOINTS_LOGIN], "https://login.microsoftonline.us");
	assert_string_equal(ep.base[ENDPOINTS_GRAPH], "https://graph.microsoft.us");
	assert_string_equal(ep.base[ENDPOINTS_ARM], "https://management.usgovcloudapi.net");
	assert_string_equal(ep.base[ENDPOINTS_EXCHANGE], "https://outlook.office365.us");
	assert_int_equal(endpoints_preset("DoD", &ep, &err), 0);
	assert_string_equal(ep.base[ENDPOINTS_GRAPH], "https://dod-graph.microsoft.us");
	assert_string_equal(ep.base[ENDPOINTS_EXCHANGE], "https://webmail.apps.mil");
	assert_int_equal(endpoints_preset("china", &ep, &err), 0);
	assert_string_equal(ep.base[ENDPOINTS_LOGIN], "https://login.chinacloudapi.cn");
	assert_string_equal(ep.base[ENDPOINTS_GRAPH], "https://microsoftgraph.chinacloudapi.cn");
	assert_string_equal(ep.base[ENDPOINTS_ARM], "https://management.chinacloudapi.cn");
	assert_int_equal(endpoints_scope(&ep, ENDPOINTS_ARM, scope, sizeof(scope)), 0);
	assert_string_equal(scope, "https://management.chinacloudapi.cn/.default");
	assert_int_equal(endpoints_preset("mars", &ep, &err), TATER_EINVAL);
	assert_non_null(strstr(err.msg, "public, gcchigh, dod or china"));
}

static void test_custom(void **state)
{
	struct endpoints ep;
	struct tater_err err = {0};
	char scope[300];
	char *u;

	assert_int_equal(endpoints_custom("http://127.0.0.1:4321/", "public", &ep, &err), 0);
	for (int i = 0; i < ENDPOINTS_NAPIS; i++)
		assert_string_equal(ep.base[i], "http://127.0.0.1:4321");
	/* Tokens still name the real resource, as the real login service expects. */
	assert_int_equal(endpoints_scope(&ep, ENDPOINTS_GRAPH, scope, sizeof(scope)), 0);
	assert_string_equal(scope, "https://graph.microsoft.com/.default");
	u = endpoints_url(&ep, ENDPOINTS_ARM, "/subscriptions?api-version=2022-12-01");
	assert_string_equal(u, "http://127.0.0.1:4321/subscriptions?api-version=2022-12-01");
	free(u);
	assert_int_equal(endpoints_custom("ftp://x", NULL, &ep, &err), TATER_EINVAL);
	assert_int_equal(endpoints_custom("https://x/?token=1", NULL, &ep, &err), TATER_EINVAL);
	assert_int_equal(endpoints_custom("https://user:pw@x", NULL, &ep, &err), TATER_EINVAL);
	assert_int_equal(endpoints_set_base(&ep, ENDPOINTS_EXCHANGE, "https://ex.example", &err),
			 0);
	assert_string_equal(ep.base[ENDPOINTS_EXCHANGE], "https://ex.example");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_public),
	    cmocka_unit_test(test_sovereign),
	    cmocka_unit_test(test_custom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
