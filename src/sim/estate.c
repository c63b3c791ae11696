/* estate.c - the synthetic directory: users, risk, sign-ins, roles, policies.
 *
 * Nothing is stored: item i of a collection is computed from (seed, kind, i), so
 * --users 100000 with a million sign-ins costs no memory, and the same flags give
 * the same bytes.  Shape by index (so tests can count on it):
 *   user i is a guest when i % 10 == 9, an admin when i % 100 == 0 (admin k = i/100
 *   holds role k % 5; user 0 is a Global Administrator), risky when i % 50 == 7.
 * Sign-ins and detections are sorted newest first and lie before --now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

#define DAY 86400L

static const char *const first_names[] = {
    "Ava",   "Ben",  "Chloe", "Dan",  "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kemal", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara",
};
static const char *const last_names[] = {
    "Adams",  "Baker", "Chen",	 "Diaz",  "Evans",  "Fischer", "Garcia",
    "Haddad", "Ito",   "Jensen", "Khan",  "Larsen", "Moreau",  "Novak",
    "Okafor", "Patel", "Quist",	 "Rossi", "Silva",  "Tanaka",
};
static const char *const departments[] = {"Finance", "Sales",	   "Engineering", "HR",
					  "Legal",   "Operations", "Marketing",	  "IT"};

struct role_def {
	const char *name;
	const char *template_id;
	const char *desc;
};

static const struct role_def roles[] = {
    {"Global Administrator", "62e90394-69f5-4237-9190-012177145e10",
     "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft "
     "Entra identities."},
    {"Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814",
     "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged "
     "Identity Management."},
    {"Security Administrator", "194ae4cb-b126-40b2-bd5b-6091b380977d",
     "Can read security information and reports, and manage configuration in Microsoft Entra "
     "ID and Office 365."},
    {"Exchange Administrator", "29232cdf-9323-42fd-ade2-1d097af3e4de",
     "Can manage all aspects of the Exchange product."},
    {"User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1",
     "Can manage all aspects of users and groups, including resetting passwords for limited "
     "admins."},
    {"Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
     "Can read everything that a Global Administrator can, but not update anything."},
};
#define NROLES ((long)(sizeof(roles) / sizeof(roles[0])))
#define NADMIN_ROLES 5 /* Global Reader has no members */

struct city {
	const char *city, *state, *cc;
	double lat, lon;
};

static const struct city cities[] = {
    {"Seattle", "Washington", "US", 47.6062, -122.3321},
    {"London", "England", "GB", 51.5072, -0.1276},
    {"Berlin", "Berlin", "DE", 52.52, 13.405},
    {"Sydney", "New South Wales", "AU", -33.8688, 151.2093},
    {"Sao Paulo", "Sao Paulo", "BR", -23.5505, -46.6333},
    {"Tokyo", "Tokyo", "JP", 35.6762, 139.6503},
    {"Lagos", "Lagos", "NG", 6.5244, 3.3792},
    {"Moscow", "Moscow", "RU", 55.7558, 37.6173},
};
#define NCITIES (sizeof(cities) / sizeof(cities[0]))

static uint64_t H(struct sim *s, const char *kind, long i)
{
	return sim_hash((uint64_t)s->cfg.seed, kind, (uint64_t)i);
}

static json_t *jtime(time_t t)
{
	char b[32];

	sim_fmt_time(b, t);
	return json_string(b);
}

static json_t *jguid(struct sim *s, const char *kind, long i)
{
	char g[37];

	sim_guid(g, (uint64_t)s->cfg.seed, kind, (uint64_t)i);
	return json_string(g);
}

long sim_n_users(struct sim *s)
{
	return s->cfg.users;
}

long sim_estate_nadmins(struct sim *s)
{
	return (s->cfg.users + 99) / 100;
}

long sim_n_signins(struct sim *s)
{
	return s->cfg.signins >= 0 ? s->cfg.signins : s->cfg.users * 10;
}

long sim_n_detections(struct sim *s)
{
	return s->cfg.detections >= 0 ? s->cfg.detections : s->cfg.users / 2;
}

long sim_n_risky(struct sim *s)
{
	return s->cfg.users > 7 ? (s->cfg.users - 8) / 50 + 1 : 0;
}

static int is_guest(long i)
{
	return i % 10 == 9;
}

static int is_admin(long i)
{
	return i % 100 == 0;
}

static void user_names(struct sim *s, long i, char *display, size_t dlen, char *upn, size_t ulen,
		       char *mail, size_t mlen)
{
	uint64_t h = H(s, "name", i);
	const char *f = first_names[h % 20], *l = last_names[(h >> 8) % 20];
	char lf[32], ll[32];

	snprintf(lf, sizeof(lf), "%s", f);
	snprintf(ll, sizeof(ll), "%s", l);
	for (char *p = lf; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	for (char *p = ll; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	if (i == 0) {
		snprintf(display, dlen, "Break Glass Admin");
		snprintf(upn, ulen, "admin@%s.example", s->cfg.domain);
		snprintf(mail, mlen, "admin@%s.example", s->cfg.domain);
		return;
	}
	snprintf(display, dlen, "%s %s", f, l);
	if (is_guest(i)) {
		long p = (long)((h >> 16) % 7);

		snprintf(mail, mlen, "%s.%s%ld@partner%ld.example", lf, ll, i, p);
		snprintf(upn, ulen, "%s.%s%ld_partner%ld.example#EXT#@%s.onmicrosoft.com", lf, ll,
			 i, p, s->cfg.domain);
		snprintf(display, dlen, "%s %s (Partner %ld)", f, l, p);
	} else {
		snprintf(upn, ulen, "%s.%s%ld@%s.example", lf, ll, i, s->cfg.domain);
		snprintf(mail, mlen, "%s", upn);
	}
}

/* Last sign-in of user i: 0 never, else a time before --now. */
static time_t user_last_signin(struct sim *s, long i)
{
	uint64_t h = H(s, "activity", i);
	unsigned pct = (unsigned)(h % 100);

	if (i == 0)
		return s->cfg.now - 2 * DAY - 3600;
	if (is_guest(i)) {
		if (pct < 20)
			return 0;
		if (pct < 50)
			return s->cfg.now - (91 + (long)((h >> 8) % 300)) * DAY;
	} else {
		if (pct < 3)
			return 0;
		if (pct < 11)
			return s->cfg.now - (91 + (long)((h >> 8) % 300)) * DAY;
	}
	return s->cfg.now - (long)((h >> 16) % (30 * DAY));
}

static int user_mfa_registered(struct sim *s, long i)
{
	uint64_t h = H(s, "mfa", i);

	if (i == 0)
		return 1;
	if (is_admin(i))
		return (i / 100) % 3 != 2; /* some admins without MFA: a finding */
	return is_guest(i) ? h % 100 >= 60 : h % 100 >= 15;
}

const char *const sim_user_default_select[] = {
    "businessPhones", "displayName",	   "givenName", "jobTitle",	     "mail", "mobilePhone",
    "officeLocation", "preferredLanguage", "surname",	"userPrincipalName", "id",   NULL};

json_t *sim_user(struct sim *s, long i)
{
	char display[96], upn[192], mail[160], rid[37], rid2[37], given[32], sur[32];
	uint64_t h = H(s, "user", i);
	time_t last = user_last_signin(s, i);
	time_t created = s->cfg.now - (long)(60 + (h % 1500)) * DAY;
	int guest = is_guest(i), synced = !guest && i % 4 == 1;
	json_t *u, *act;

	user_names(s, i, display, sizeof(display), upn, sizeof(upn), mail, sizeof(mail));
	sscanf(display, "%31s %31s", given, sur);
	sim_guid(rid, (uint64_t)s->cfg.seed, "signin-req", (uint64_t)i);
	sim_guid(rid2, (uint64_t)s->cfg.seed, "signin-req2", (uint64_t)i);
	if (last && last < created)
		created = last - 30 * DAY;
	if (last) {
		act = json_pack("{s:o,s:s,s:o,s:s,s:o,s:s}", "lastSignInDateTime", jtime(last),
				"lastSignInRequestId", rid, "lastNonInteractiveSignInDateTime",
				jtime(last + 600), "lastNonInteractiveSignInRequestId", rid2,
				"lastSuccessfulSignInDateTime", jtime(last),
				"lastSuccessfulSignInRequestId", rid);
	} else {
		act = json_pack("{s:n,s:n,s:n,s:n,s:n,s:n}", "lastSignInDateTime",
				"lastSignInRequestId", "lastNonInteractiveSignInDateTime",
				"lastNonInteractiveSignInRequestId", "lastSuccessfulSignInDateTime",
				"lastSuccessfulSignInRequestId");
	}
	u = json_pack("{s:o,s:[],s:s,s:s,s:s,s:s,s:s,s:n,s:n,s:s,s:s}", "id", jguid(s, "user", i),
		      "businessPhones", "displayName", display, "givenName", given, "surname", sur,
		      "jobTitle",
		      is_admin(i) ? "Administrator"
		      : guest	  ? "Consultant"
				  : "Staff",
		      "mail", mail, "mobilePhone", "officeLocation", "preferredLanguage", "en-US",
		      "userPrincipalName", upn);
	json_object_set_new(u, "accountEnabled", json_boolean(i == 0 || h % 100 >= 3));
	json_object_set_new(u, "userType", json_string(guest ? "Guest" : "Member"));
	json_object_set_new(u, "createdDateTime", jtime(created));
	json_object_set_new(u, "creationType", guest ? json_string("Invitation") : json_null());
	json_object_set_new(u, "externalUserState",
			    guest ? json_string(h % 5 == 0 ? "PendingAcceptance" : "Accepted")
				  : json_null());
	json_object_set_new(u, "department", json_string(departments[(h >> 20) % 8]));
	json_object_set_new(u, "usageLocation", json_string(cities[(h >> 24) % 4].cc));
	if (synced) {
		unsigned char raw[16];
		uint64_t a = H(s, "immutable", i), b = sim_mix(a);
		char *b64;

		memcpy(raw, &a, 8);
		memcpy(raw + 8, &b, 8);
		b64 = sim_b64url(raw, sizeof(raw));
		json_object_set_new(u, "onPremisesImmutableId", json_string(b64));
		json_object_set_new(u, "onPremisesSyncEnabled", json_true());
		free(b64);
	} else {
		json_object_set_new(u, "onPremisesImmutableId", json_null());
		json_object_set_new(u, "onPremisesSyncEnabled", json_null());
	}
	json_object_set_new(u, "signInActivity", act);
	return u;
}

json_t *sim_risky_user(struct sim *s, long j)
{
	long i = 50 * j + 7;
	char display[96], upn[192], mail[160];
	uint64_t h = H(s, "risky", j);
	const char *level = j % 3 == 0 ? "high" : j % 3 == 1 ? "medium" : "low";
	const char *state = "atRisk", *detail = "none";

	user_names(s, i, display, sizeof(display), upn, sizeof(upn), mail, sizeof(mail));
	if (j % 12 == 0) {
		state = "confirmedCompromised";
		level = "high";
		detail = "adminConfirmedUserCompromised";
	} else if (j % 6 == 5) {
		state = "remediated";
		level = "none";
		detail = "userPerformedSecuredPasswordChange";
	} else if (j % 6 == 4) {
		state = "dismissed";
		level = "none";
		detail = "adminDismissedAllRiskForUser";
	}
	return json_pack("{s:o,s:b,s:b,s:o,s:s,s:s,s:s,s:s,s:s}", "id", jguid(s, "user", i),
			 "isDeleted", 0, "isProcessing", 0, "riskLastUpdatedDateTime",
			 jtime(s->cfg.now - (long)(h % (20 * DAY))), "riskLevel", level,
			 "riskState", state, "riskDetail", detail, "userDisplayName", display,
			 "userPrincipalName", upn);
}

static json_t *jlocation(long c)
{
	return json_pack("{s:s,s:s,s:s,s:{s:n,s:f,s:f}}", "city", cities[c].city, "state",
			 cities[c].state, "countryOrRegion", cities[c].cc, "geoCoordinates",
			 "altitude", "latitude", cities[c].lat, "longitude", cities[c].lon);
}

static void fake_ip(char out[32], uint64_t h)
{
	static const char *const nets[] = {"203.0.113", "198.51.100", "192.0.2"};

	snprintf(out, 32, "%s.%u", nets[h % 3], (unsigned)((h >> 8) % 254 + 1));
}

/* Time of item j of n spread over span seconds before now, newest first. */
static time_t spread(struct sim *s, const char *kind, long j, long n, long span)
{
	double slot = (double)span / (double)(n > 0 ? n : 1);
	double frac = (double)(H(s, kind, j) >> 11) / 9007199254740992.0;

	return s->cfg.now - 1 - (time_t)((double)j * slot + frac * slot);
}

json_t *sim_risk_detection(struct sim *s, long j)
{
	static const char *const types[] = {"unfamiliarFeatures", "anonymizedIPAddress",
					    "leakedCredentials",  "maliciousIPAddress",
					    "unlikelyTravel",	  "passwordSpray",
					    "anomalousToken",	  "attackerinTheMiddle"};
	static const char *const levels[] = {"low", "medium", "high"};
	uint64_t h = H(s, "detection", j);
	long nrisky = sim_n_risky(s), i, c = (long)((h >> 4) % NCITIES);
	char display[96], upn[192], mail[160], ip[32], info[256];
	time_t det = spread(s, "detection-time", j, sim_n_detections(s), 90 * DAY);
	time_t upd = det + (time_t)((h >> 12) % (2 * DAY));
	const char *type = types[(h >> 20) % 8];
	int offline = strcmp(type, "leakedCredentials") == 0 || strcmp(type, "passwordSpray") == 0;

	/* Most detections belong to the risky users, as in a real tenant. */
	if (nrisky > 0 && h % 10 < 7)
		i = 50 * (long)((h >> 28) % (uint64_t)nrisky) + 7;
	else
		i = (long)((h >> 28) % (uint64_t)s->cfg.users);
	if (upd > s->cfg.now)
		upd = s->cfg.now;
	user_names(s, i, display, sizeof(display), upn, sizeof(upn), mail, sizeof(mail));
	fake_ip(ip, h >> 36);
	snprintf(info, sizeof(info),
		 "[{\"Key\":\"userAgent\",\"Value\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\"},"
		 "{\"Key\":\"alertUrl\",\"Value\":null}]");
	return json_pack(
	    "{s:o,s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:s,"
	    "s:s,s:o}",
	    "id", jguid(s, "detection", j), "requestId", jguid(s, "det-req", j), "correlationId",
	    jguid(s, "det-corr", j), "riskEventType", type, "riskState",
	    h % 5 == 0 ? "remediated" : "atRisk", "riskLevel", levels[(h >> 40) % 3], "riskDetail",
	    h % 5 == 0 ? "userPassedMFADrivenByRiskBasedPolicy" : "none", "source",
	    "IdentityProtection", "detectionTimingType", offline ? "offline" : "realtime",
	    "activity", "signin", "tokenIssuerType", "AzureAD", "ipAddress", ip, "activityDateTime",
	    jtime(det - 60), "detectedDateTime", jtime(det), "lastUpdatedDateTime", jtime(upd),
	    "userId", jguid(s, "user", i), "userDisplayName", display, "userPrincipalName", upn,
	    "additionalInfo", info, "location", jlocation(c));
}

json_t *sim_signin(struct sim *s, long j)
{
	static const struct {
		const char *id, *name, *res, *resid;
	} apps[] = {
	    {"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online",
	     "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"},
	    {"1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams", "Microsoft Graph",
	     "00000003-0000-0000-c000-000000000000"},
	    {"c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal",
	     "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013"},
	    {"d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office", "Microsoft Graph",
	     "00000003-0000-0000-c000-000000000000"},
	    {"00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online",
	     "Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000"},
	};
	static const char *const legacy[] = {"IMAP4", "POP3", "Exchange ActiveSync",
					     "Authenticated SMTP", "Other clients"};
	static const struct {
		const char *os, *browser;
	} devices[] = {
	    {"Windows10", "Edge 120.0.0"},    {"MacOs", "Safari 17.1"},	  {"Ios", "Mobile Safari"},
	    {"Android", "Chrome Mobile 119"}, {"Linux", "Firefox 120.0"},
	};
	uint64_t h = H(s, "signin", j), h2 = sim_mix(h);
	long i = (long)(h % (uint64_t)s->cfg.users), a = (long)((h >> 8) % 5), c;
	unsigned fail = (unsigned)((h >> 16) % 100);
	int legacy_auth = (h >> 24) % 100 < 8, risky = i % 50 == 7 && (h >> 32) % 4 == 0;
	char display[96], upn[192], mail[160], ip[32];
	const char *client, *castatus = "success", *reason = "Other.";
	int code = 0;
	json_t *si, *applied;

	/* Home city mostly; risky users sometimes from far away. */
	c = risky ? (long)(6 + (h2 % 2)) : (long)((H(s, "home", i) >> 4) % 6);
	user_names(s, i, display, sizeof(display), upn, sizeof(upn), mail, sizeof(mail));
	fake_ip(ip, h2);
	if (legacy_auth)
		client = legacy[(h >> 40) % 5];
	else
		client = (h >> 40) % 3 == 0 ? "Mobile Apps and Desktop clients" : "Browser";
	if (fail < 5) {
		code = 50126;
		reason = "Error validating credentials due to invalid username or password.";
	} else if (fail < 8) {
		code = 50074;
		reason = "Strong Authentication is required.";
	} else if (fail < 10) {
		code = 53003;
		reason =
		    "Access has been blocked by Conditional Access policies. The access policy "
		    "does not allow token issuance.";
		castatus = "failure";
	} else if (legacy_auth) {
		castatus = "notApplied";
	}
	applied = json_array();
	if (!legacy_auth)
		json_array_append_new(
		    applied, json_pack("{s:o,s:s,s:[s],s:[],s:s}", "id", jguid(s, "ca", 0),
				       "displayName", "Require MFA for all users",
				       "enforcedGrantControls", "Mfa", "enforcedSessionControls",
				       "result", code == 53003 ? "failure" : "success"));
	si = json_pack(
	    "{s:o,s:o,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:o,s:s,s:b}", "id", jguid(s, "signin", j),
	    "createdDateTime", jtime(spread(s, "signin-time", j, sim_n_signins(s), 30 * DAY)),
	    "userDisplayName", display, "userPrincipalName", upn, "userId", jguid(s, "user", i),
	    "appId", apps[a].id, "appDisplayName", apps[a].name, "ipAddress", ip, "clientAppUsed",
	    client, "correlationId", jguid(s, "signin-corr", j), "conditionalAccessStatus",
	    castatus, "isInteractive", (h >> 44) % 4 != 0);
	json_object_set_new(si, "riskDetail", json_string("none"));
	json_object_set_new(si, "riskLevelAggregated", json_string(risky ? "medium" : "none"));
	json_object_set_new(si, "riskLevelDuringSignIn", json_string(risky ? "high" : "none"));
	json_object_set_new(si, "riskState", json_string(risky ? "atRisk" : "none"));
	json_object_set_new(si, "riskEventTypes",
			    risky ? json_pack("[s]", "unfamiliarFeatures") : json_array());
	json_object_set_new(si, "riskEventTypes_v2",
			    risky ? json_pack("[s]", "unfamiliarFeatures") : json_array());
	json_object_set_new(si, "resourceDisplayName", json_string(apps[a].res));
	json_object_set_new(si, "resourceId", json_string(apps[a].resid));
	json_object_set_new(si, "status",
			    json_pack("{s:i,s:s,s:n}", "errorCode", code, "failureReason", reason,
				      "additionalDetails"));
	json_object_set_new(
	    si, "deviceDetail",
	    json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s}", "deviceId", "", "displayName", "",
		      "operatingSystem", devices[(h2 >> 8) % 5].os, "browser",
		      devices[(h2 >> 8) % 5].browser, "isCompliant", (h2 >> 16) % 3 == 0,
		      "isManaged", (h2 >> 16) % 3 == 0, "trustType", ""));
	json_object_set_new(si, "location", jlocation(c));
	json_object_set_new(si, "appliedConditionalAccessPolicies", applied);
	return si;
}

json_t *sim_registration(struct sim *s, long i)
{
	char display[96], upn[192], mail[160];
	int mfa = user_mfa_registered(s, i), guest = is_guest(i);
	uint64_t h = H(s, "registration", i);
	json_t *methods = json_array();

	user_names(s, i, display, sizeof(display), upn, sizeof(upn), mail, sizeof(mail));
	if (mfa) {
		json_array_append_new(methods, json_string("microsoftAuthenticatorPush"));
		if (h % 3 == 0)
			json_array_append_new(methods, json_string("mobilePhone"));
		if (h % 7 == 0)
			json_array_append_new(methods, json_string("fido2"));
	} else if (h % 4 == 0) {
		json_array_append_new(methods, json_string("email"));
	}
	return json_pack("{s:o,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:o,s:[],s:s,s:o}", "id",
			 jguid(s, "user", i), "userPrincipalName", upn, "userDisplayName", display,
			 "userType", guest ? "guest" : "member", "isAdmin", is_admin(i),
			 "isSsprRegistered", mfa && h % 2 == 0, "isSsprEnabled", !guest,
			 "isSsprCapable", mfa && !guest, "isMfaRegistered", mfa, "isMfaCapable",
			 mfa, "isPasswordlessCapable", mfa && h % 7 == 0,
			 "isSystemPreferredAuthenticationMethodEnabled", 1, "methodsRegistered",
			 methods, "systemPreferredAuthenticationMethods",
			 "userPreferredMethodForSecondaryAuthentication", mfa ? "push" : "none",
			 "lastUpdatedDateTime", jtime(s->cfg.now - (long)(h % (60 * DAY))));
}

/* ---- roles ---- */

long sim_n_roles(void)
{
	return NROLES;
}

json_t *sim_directory_role(struct sim *s, long r)
{
	return json_pack("{s:o,s:n,s:s,s:s,s:s}", "id", jguid(s, "role", r), "deletedDateTime",
			 "description", roles[r].desc, "displayName", roles[r].name,
			 "roleTemplateId", roles[r].template_id);
}

int sim_role_by_id(struct sim *s, const char *id)
{
	for (long r = 0; r < NROLES; r++) {
		char g[37];

		sim_guid(g, (uint64_t)s->cfg.seed, "role", (uint64_t)r);
		/* The real service also accepts the role template id here. */
		if (strcasecmp(g, id) == 0 || strcasecmp(roles[r].template_id, id) == 0)
			return (int)r;
	}
	return -1;
}

long sim_role_nmembers(struct sim *s, int r)
{
	long na = sim_estate_nadmins(s);

	if (r >= NADMIN_ROLES || na <= r)
		return 0;
	return (na - 1 - r) / NADMIN_ROLES + 1;
}

long sim_role_member_user(struct sim *s, int r, long j)
{
	(void)s;
	return 100 * (r + NADMIN_ROLES * j);
}

long sim_n_role_assignments(struct sim *s)
{
	return sim_estate_nadmins(s);
}

json_t *sim_role_assignment(struct sim *s, long j, int expand_principal)
{
	long i = 100 * j;
	json_t *ra = json_pack("{s:o,s:s,s:o,s:s}", "id", jguid(s, "role-assignment", j),
			       "directoryScopeId", "/", "principalId", jguid(s, "user", i),
			       "roleDefinitionId", roles[j % NADMIN_ROLES].template_id);

	if (expand_principal) {
		json_t *u = sim_user(s, i), *p = json_object();

		json_object_set_new(p, "@odata.type", json_string("#microsoft.graph.user"));
		json_object_set(p, "id", json_object_get(u, "id"));
		json_object_set(p, "displayName", json_object_get(u, "displayName"));
		json_object_set(p, "userPrincipalName", json_object_get(u, "userPrincipalName"));
		json_object_set(p, "userType", json_object_get(u, "userType"));
		json_object_set(p, "accountEnabled", json_object_get(u, "accountEnabled"));
		json_object_set_new(ra, "principal", p);
		json_decref(u);
	}
	return ra;
}

/* ---- policies and tenant settings: small JSON written with single quotes ---- */

/* Load a template: ' becomes ", and ${T} ${D} ${N} ${NOW} ${U0} ${U1} are substituted. */
static json_t *tmpl(struct sim *s, const char *text)
{
	char *out = sim_xmalloc(strlen(text) * 2 + 4096), *o = out, nowb[32], u0[37], u1[37];
	char nusers[32];
	json_error_t jerr;
	json_t *j;

	sim_fmt_time(nowb, s->cfg.now);
	sim_guid(u0, (uint64_t)s->cfg.seed, "user", 0);
	sim_guid(u1, (uint64_t)s->cfg.seed, "user", 1);
	snprintf(nusers, sizeof(nusers), "%ld", s->cfg.users);
	for (const char *p = text; *p; p++) {
		const char *v = NULL;
		size_t skip = 0;

		if (*p == '\'') {
			*o++ = '"';
			continue;
		}
		if (strncmp(p, "${T}", 4) == 0)
			v = s->cfg.tenant_id, skip = 4;
		else if (strncmp(p, "${D}", 4) == 0)
			v = s->cfg.domain, skip = 4;
		else if (strncmp(p, "${N}", 4) == 0)
			v = nusers, skip = 4;
		else if (strncmp(p, "${NOW}", 6) == 0)
			v = nowb, skip = 6;
		else if (strncmp(p, "${U0}", 5) == 0)
			v = u0, skip = 5;
		else if (strncmp(p, "${U1}", 5) == 0)
			v = u1, skip = 5;
		if (v) {
			o += sprintf(o, "%s", v);
			p += skip - 1;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	j = json_loads(out, JSON_DECODE_ANY, &jerr);
	if (!j) {
		fprintf(stderr, "tater-sim: bad built-in template: %s at %d\n", jerr.text,
			jerr.position);
		abort();
	}
	free(out);
	return j;
}

static json_t *ca_policy(struct sim *s, long k, const char *name, const char *state,
			 const char *users, const char *apps, const char *clients,
			 const char *signin_risk, const char *grant)
{
	char buf[4096], g[37];

	sim_guid(g, (uint64_t)s->cfg.seed, "ca", (uint64_t)k);
	snprintf(
	    buf, sizeof(buf),
	    "{'id':'%s','templateId':null,'displayName':'%s','createdDateTime':'2024-03-0%ldT09:"
	    "00:00Z','modifiedDateTime':'2026-10-1%ldT12:00:00Z','state':'%s',"
	    "'sessionControls':null,'conditions':{'userRiskLevels':[],'signInRiskLevels':[%s],"
	    "'clientAppTypes':[%s],'servicePrincipalRiskLevels':[],'platforms':null,"
	    "'locations':null,'devices':null,'clientApplications':null,'applications':{%s,"
	    "'excludeApplications':[],'includeUserActions':[],"
	    "'includeAuthenticationContextClassReferences':[]},'users':{%s}},"
	    "'grantControls':%s}",
	    g, name, k + 1, k, state, signin_risk, clients, apps, users, grant);
	return tmpl(s, buf);
}

#define USERS_ALL                                                                                  \
	"'includeUsers':['All'],'excludeUsers':[],'includeGroups':[],'excludeGroups':[],"          \
	"'includeRoles':[],'excludeRoles':[],'includeGuestsOrExternalUsers':null,"                 \
	"'excludeGuestsOrExternalUsers':null"
#define APPS_ALL "'includeApplications':['All']"
#define GRANT(op, ctl)                                                                             \
	"{'operator':'" op "','builtInControls':[" ctl "],'customAuthenticationFactors':[],"       \
	"'termsOfUse':[],'authenticationStrength':null}"

json_t *sim_ca_policies(struct sim *s)
{
	json_t *a = json_array();

	json_array_append_new(a, ca_policy(s, 0, "Require MFA for all users", "enabled", USERS_ALL,
					   APPS_ALL, "'all'", "", GRANT("OR", "'mfa'")));
	json_array_append_new(
	    a, ca_policy(s, 1, "Block legacy authentication", "enabled",
			 "'includeUsers':['All'],'excludeUsers':['${U1}'],'includeGroups':[],"
			 "'excludeGroups':[],'includeRoles':[],'excludeRoles':[],"
			 "'includeGuestsOrExternalUsers':null,'excludeGuestsOrExternalUsers':null",
			 APPS_ALL, "'exchangeActiveSync','other'", "", GRANT("OR", "'block'")));
	json_array_append_new(
	    a, ca_policy(s, 2, "Require phishing-resistant MFA for admins",
			 "enabledForReportingButNotEnforced",
			 "'includeUsers':[],'excludeUsers':['${U0}'],'includeGroups':[],"
			 "'excludeGroups':[],'includeRoles':['62e90394-69f5-4237-9190-"
			 "012177145e10','e8611ab8-c189-46e8-94e1-60213ab1f814','194ae4cb-b126-"
			 "40b2-bd5b-6091b380977d'],'excludeRoles':[],"
			 "'includeGuestsOrExternalUsers':null,'excludeGuestsOrExternalUsers':null",
			 APPS_ALL, "'all'", "", GRANT("OR", "'mfa'")));
	json_array_append_new(a, ca_policy(s, 3, "Block high sign-in risk", "disabled", USERS_ALL,
					   APPS_ALL, "'all'", "'high'", GRANT("OR", "'block'")));
	json_array_append_new(
	    a,
	    ca_policy(s, 4, "Require compliant device for Azure management", "enabled", USERS_ALL,
		      "'includeApplications':['797f4846-ba00-4fd7-ba43-dac1f8f63013']", "'all'", "",
		      GRANT("OR", "'compliantDevice','mfa'")));
	return a;
}

json_t *sim_authorization_policy(struct sim *s)
{
	return tmpl(s, "{'id':'authorizationPolicy','allowInvitesFrom':'everyone',"
		       "'allowedToSignUpEmailBasedSubscriptions':true,'allowedToUseSSPR':true,"
		       "'allowEmailVerifiedUsersToJoinOrganization':false,"
		       "'allowUserConsentForRiskyApps':null,'blockMsolPowerShell':false,"
		       "'description':'Used to manage authorization related settings across the "
		       "company.','displayName':'Authorization Policy',"
		       "'guestUserRoleId':'10dae51f-b6af-4016-8d66-8c2a99b929b3',"
		       "'defaultUserRolePermissions':{'allowedToCreateApps':true,"
		       "'allowedToCreateSecurityGroups':true,'allowedToCreateTenants':true,"
		       "'allowedToReadBitlockerKeysForOwnedDevice':true,"
		       "'allowedToReadOtherUsers':true,'permissionGrantPoliciesAssigned':"
		       "['ManagePermissionGrantsForSelf.microsoft-user-default-legacy']}}");
}

json_t *sim_admin_consent_policy(struct sim *s)
{
	/* The admin consent workflow is off until an admin turns it on. */
	return tmpl(s, "{'isEnabled':false,'notifyReviewers':false,'remindersEnabled':false,"
		       "'requestDurationInDays':0,'version':0,'reviewers':[]}");
}

json_t *sim_auth_methods_policy(struct sim *s)
{
	return tmpl(
	    s, "{'id':'authenticationMethodsPolicy','displayName':'Authentication Methods "
	       "Policy','description':'The tenant-wide policy that controls which "
	       "authentication methods are allowed in the tenant, authentication method "
	       "registration requirements, and self-service password reset settings',"
	       "'lastModifiedDateTime':'2026-09-14T10:00:00Z','policyVersion':'1.5',"
	       "'policyMigrationState':'migrationInProgress','registrationEnforcement':"
	       "{'authenticationMethodsRegistrationCampaign':{'snoozeDurationInDays':1,"
	       "'enforceRegistrationAfterAllowedSnoozes':true,'state':'default',"
	       "'excludeTargets':[],'includeTargets':[{'id':'all_users','targetType':'group',"
	       "'targetedAuthenticationMethod':'microsoftAuthenticator'}]}},"
	       "'authenticationMethodConfigurations':["
	       "{'@odata.type':'#microsoft.graph.fido2AuthenticationMethodConfiguration',"
	       "'id':'Fido2','state':'disabled','isSelfServiceRegistrationAllowed':true,"
	       "'isAttestationEnforced':true},"
	       "{'@odata.type':'#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"
	       "Configuration','id':'MicrosoftAuthenticator','state':'enabled',"
	       "'isSoftwareOathEnabled':false},"
	       "{'@odata.type':'#microsoft.graph.smsAuthenticationMethodConfiguration',"
	       "'id':'Sms','state':'enabled'},"
	       "{'@odata.type':'#microsoft.graph.voiceAuthenticationMethodConfiguration',"
	       "'id':'Voice','state':'enabled','isOfficePhoneAllowed':false},"
	       "{'@odata.type':'#microsoft.graph.emailAuthenticationMethodConfiguration',"
	       "'id':'Email','state':'enabled','allowExternalIdToUseEmailOtp':'default'},"
	       "{'@odata.type':'#microsoft.graph.temporaryAccessPassAuthenticationMethod"
	       "Configuration','id':'TemporaryAccessPass','state':'enabled',"
	       "'defaultLifetimeInMinutes':60,'defaultLength':8,'isUsableOnce':false},"
	       "{'@odata.type':'#microsoft.graph.softwareOathAuthenticationMethodConfiguration',"
	       "'id':'SoftwareOath','state':'disabled'},"
	       "{'@odata.type':'#microsoft.graph.x509CertificateAuthenticationMethod"
	       "Configuration','id':'X509Certificate','state':'disabled'}]}");
}

json_t *sim_domains(struct sim *s)
{
	return tmpl(s,
		    "[{'authenticationType':'Managed','availabilityStatus':null,"
		    "'id':'${D}.onmicrosoft.com','isAdminManaged':true,'isDefault':false,"
		    "'isInitial':true,'isRoot':true,'isVerified':true,"
		    "'passwordNotificationWindowInDays':14,'passwordValidityPeriodInDays':"
		    "2147483647,'supportedServices':['Email','OfficeCommunicationsOnline'],"
		    "'state':null},"
		    "{'authenticationType':'Managed','availabilityStatus':null,"
		    "'id':'${D}.example','isAdminManaged':true,'isDefault':true,"
		    "'isInitial':false,'isRoot':true,'isVerified':true,"
		    "'passwordNotificationWindowInDays':14,'passwordValidityPeriodInDays':90,"
		    "'supportedServices':['Email','OfficeCommunicationsOnline','Intune'],"
		    "'state':null},"
		    "{'authenticationType':'Federated','availabilityStatus':null,"
		    "'id':'legacy.${D}.example','isAdminManaged':true,'isDefault':false,"
		    "'isInitial':false,'isRoot':true,'isVerified':false,"
		    "'passwordNotificationWindowInDays':null,'passwordValidityPeriodInDays':null,"
		    "'supportedServices':[],'state':null}]");
}

json_t *sim_subscribed_skus(struct sim *s)
{
	if (s->cfg.no_p2)
		return tmpl(
		    s, "[{'accountId':'${T}','accountName':'${D}','appliesTo':'User',"
		       "'capabilityStatus':'Enabled','consumedUnits':${N},"
		       "'id':'${T}_05e9a617-0261-4cee-bb44-138d3ef5d965',"
		       "'skuId':'05e9a617-0261-4cee-bb44-138d3ef5d965','skuPartNumber':'SPE_E3',"
		       "'subscriptionIds':[],'prepaidUnits':{'enabled':${N},'suspended':0,"
		       "'warning':0,'lockedOut':0},'servicePlans':["
		       "{'servicePlanId':'41781fb2-bc02-4b7c-bd55-b576c07bb09d','servicePlanName':"
		       "'AAD_PREMIUM','provisioningStatus':'Success','appliesTo':'User'},"
		       "{'servicePlanId':'efb87545-963c-4e0d-99df-69c6916d9eb0','servicePlanName':"
		       "'EXCHANGE_S_ENTERPRISE','provisioningStatus':'Success','appliesTo':'User'}]"
		       "}]");
	return tmpl(
	    s, "[{'accountId':'${T}','accountName':'${D}','appliesTo':'User',"
	       "'capabilityStatus':'Enabled','consumedUnits':${N},"
	       "'id':'${T}_06ebc4ee-1bb5-47dd-8120-11324bc54e06',"
	       "'skuId':'06ebc4ee-1bb5-47dd-8120-11324bc54e06','skuPartNumber':'SPE_E5',"
	       "'subscriptionIds':[],'prepaidUnits':{'enabled':${N},'suspended':0,"
	       "'warning':0,'lockedOut':0},'servicePlans':["
	       "{'servicePlanId':'eec0eb4f-6444-4f95-aba0-50c24d67f998','servicePlanName':"
	       "'AAD_PREMIUM_P2','provisioningStatus':'Success','appliesTo':'User'},"
	       "{'servicePlanId':'41781fb2-bc02-4b7c-bd55-b576c07bb09d','servicePlanName':"
	       "'AAD_PREMIUM','provisioningStatus':'Success','appliesTo':'User'},"
	       "{'servicePlanId':'efb87545-963c-4e0d-99df-69c6916d9eb0','servicePlanName':"
	       "'EXCHANGE_S_ENTERPRISE','provisioningStatus':'Success','appliesTo':'User'}]}]");
}

json_t *sim_sharepoint_settings(struct sim *s)
{
	return tmpl(s,
		    "{'allowedDomainGuidsForSyncApp':[],'availableManagedPathsForSiteCreation':"
		    "['/sites/','/teams/'],'deletedUserPersonalSiteRetentionPeriodInDays':30,"
		    "'excludedFileExtensionsForSyncApp':[],'idleSessionSignOut':{'isEnabled':"
		    "false,'warnAfterInSeconds':0,'signOutAfterInSeconds':0},"
		    "'imageTaggingOption':'basic','isCommentingOnSitePagesEnabled':true,"
		    "'isFileActivityNotificationEnabled':true,'isLegacyAuthProtocolsEnabled':"
		    "true,'isLoopEnabled':true,'isMacSyncAppEnabled':true,"
		    "'isRequireAcceptingUserToMatchInvitedUserEnabled':false,"
		    "'isResharingByExternalUsersEnabled':true,"
		    "'isSharePointMobileNotificationEnabled':true,'isSharePointNewsfeedEnabled':"
		    "true,'isSiteCreationEnabled':true,'isSiteCreationUIEnabled':true,"
		    "'isSitePagesCreationEnabled':true,'isSitesStorageLimitAutomatic':true,"
		    "'isSyncButtonHiddenOnPersonalSite':false,"
		    "'isUnmanagedSyncAppForTenantRestricted':false,"
		    "'personalSiteDefaultStorageLimitInMB':1048576,'sharingAllowedDomainList':[],"
		    "'sharingBlockedDomainList':[],'sharingCapability':"
		    "'externalUserAndGuestSharing','sharingDomainRestrictionMode':'none',"
		    "'siteCreationDefaultManagedPath':'/sites/',"
		    "'siteCreationDefaultStorageLimitInMB':26214400,'tenantDefaultTimezone':"
		    "'(UTC) Coordinated Universal Time'}");
}

json_t *sim_organization(struct sim *s)
{
	return tmpl(s,
		    "[{'id':'${T}','deletedDateTime':null,'businessPhones':['+1 206 555 0100'],"
		    "'city':'Seattle','country':null,'countryLetterCode':'US',"
		    "'createdDateTime':'2019-04-02T16:20:00Z','displayName':'${D}',"
		    "'marketingNotificationEmails':[],'onPremisesLastSyncDateTime':'${NOW}',"
		    "'onPremisesSyncEnabled':true,'postalCode':'98101','preferredLanguage':'en',"
		    "'securityComplianceNotificationMails':[],"
		    "'securityComplianceNotificationPhones':[],'state':'WA','street':"
		    "'1 Example Way','technicalNotificationMails':['admin@${D}.example'],"
		    "'tenantType':'AAD','directorySizeQuota':{'used':${N},'total':300000},"
		    "'verifiedDomains':[{'capabilities':'Email, OfficeCommunicationsOnline',"
		    "'isDefault':false,'isInitial':true,'name':'${D}.onmicrosoft.com','type':"
		    "'Managed'},{'capabilities':'Email, OfficeCommunicationsOnline, Intune',"
		    "'isDefault':true,'isInitial':false,'name':'${D}.example','type':'Managed'}],"
		    "'assignedPlans':[],'privacyProfile':null}]");
}
