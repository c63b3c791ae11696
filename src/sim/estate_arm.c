/* estate_arm.c - the synthetic Azure estate: subscriptions and their resources.
 *
 * --subscriptions N, each with --resources K of every kind.  Resource k is
 * compliant when k % 3 == 0, half-configured when k % 3 == 1 and plainly at fault
 * when k % 3 == 2, so every control has passes and failures to find. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

static const char *const name_fmt[SIM_ARM_NKINDS] = {
    "stsim%ldx%ld",    "kv-sim-%ld-%ld",  "vm-sim-%ld-%ld",
    "app-sim-%ld-%ld", "sql-sim-%ld-%ld", "nsg-sim-%ld-%ld",
};
static const char *const type_name[SIM_ARM_NKINDS] = {
    "Microsoft.Storage/storageAccounts",
    "Microsoft.KeyVault/vaults",
    "Microsoft.Compute/virtualMachines",
    "Microsoft.Web/sites",
    "Microsoft.Sql/servers",
    "Microsoft.Network/networkSecurityGroups",
};
static const char *const locations[] = {"eastus", "westeurope", "australiaeast"};

void sim_sub_id(struct sim *s, long k, char out[37])
{
	sim_guid(out, (uint64_t)s->cfg.seed, "subscription", (uint64_t)k);
}

long sim_sub_index(struct sim *s, const char *subid)
{
	for (long k = 0; k < s->cfg.subscriptions; k++) {
		char g[37];

		sim_sub_id(s, k, g);
		if (strcasecmp(g, subid) == 0)
			return k;
	}
	return -1;
}

json_t *sim_subscription(struct sim *s, long k)
{
	char g[37], id[64], name[64];

	sim_sub_id(s, k, g);
	snprintf(id, sizeof(id), "/subscriptions/%s", g);
	snprintf(name, sizeof(name), "%s %s", s->cfg.domain, k == 0 ? "Production" : "Workloads");
	if (k > 1)
		snprintf(name, sizeof(name), "%s Workloads %ld", s->cfg.domain, k);
	return json_pack("{s:s,s:s,s:[],s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "id", id,
			 "authorizationSource", "RoleBased", "managedByTenants", "subscriptionId",
			 g, "tenantId", s->cfg.tenant_id, "displayName", name, "state", "Enabled",
			 "subscriptionPolicies", "locationPlacementId", "Public_2014-09-01",
			 "quotaId", "PayAsYouGo_2014-09-01", "spendingLimit", "Off");
}

const char *sim_arm_rg(long k)
{
	return k % 2 ? "rg-sim-app" : "rg-sim-data";
}

long sim_arm_name_index(struct sim *s, enum sim_arm_kind kind, long sub, const char *name)
{
	for (long k = 0; k < s->cfg.resources; k++) {
		char want[64];

		snprintf(want, sizeof(want), name_fmt[kind], sub, k);
		if (strcasecmp(want, name) == 0)
			return k;
	}
	return -1;
}

static void res_id(struct sim *s, enum sim_arm_kind kind, long sub, long k, char *out, size_t len,
		   char *name, size_t nlen)
{
	char g[37];

	sim_sub_id(s, sub, g);
	snprintf(name, nlen, name_fmt[kind], sub, k);
	snprintf(out, len, "/subscriptions/%s/resourceGroups/%s/providers/%s/%s", g, sim_arm_rg(k),
		 type_name[kind], name);
}

static json_t *storage(struct sim *s, long sub, long k, const char *id, const char *name,
		       const char *loc)
{
	json_t *p = json_object();
	char ep[128];

	(void)s;
	(void)sub;
	/* k%3==2: old TLS, public blobs, HTTP allowed, open network; k%3==1: TLS unset
	 * (a missing field means the service default), the rest fine. */
	if (k % 3 == 0)
		json_object_set_new(p, "minimumTlsVersion", json_string("TLS1_2"));
	else if (k % 3 == 2)
		json_object_set_new(p, "minimumTlsVersion", json_string("TLS1_0"));
	json_object_set_new(p, "allowBlobPublicAccess", json_boolean(k % 3 == 2));
	json_object_set_new(p, "supportsHttpsTrafficOnly", json_boolean(k % 3 != 2));
	json_object_set_new(p, "networkAcls",
			    json_pack("{s:s,s:[],s:[],s:s}", "bypass", "AzureServices",
				      "virtualNetworkRules", "ipRules", "defaultAction",
				      k % 3 == 0 ? "Deny" : "Allow"));
	json_object_set_new(p, "encryption",
			    json_pack("{s:{s:{s:b,s:s},s:{s:b,s:s}},s:s}", "services", "blob",
				      "enabled", 1, "keyType", "Account", "file", "enabled", 1,
				      "keyType", "Account", "keySource",
				      k % 3 == 0 ? "Microsoft.Keyvault" : "Microsoft.Storage"));
	json_object_set_new(p, "provisioningState", json_string("Succeeded"));
	json_object_set_new(p, "creationTime", json_string("2024-05-14T08:30:00.0000000Z"));
	snprintf(ep, sizeof(ep), "https://%s.blob.core.windows.net/", name);
	json_object_set_new(p, "primaryEndpoints", json_pack("{s:s}", "blob", ep));
	return json_pack("{s:{s:s,s:s},s:s,s:s,s:s,s:s,s:s,s:{},s:o}", "sku", "name",
			 "Standard_LRS", "tier", "Standard", "kind", "StorageV2", "id", id, "name",
			 name, "type", type_name[SIM_ARM_STORAGE], "location", loc, "tags",
			 "properties", p);
}

static json_t *vault(struct sim *s, long k, const char *id, const char *name, const char *loc)
{
	json_t *p = json_object();
	char uri[128];

	snprintf(uri, sizeof(uri), "https://%s.vault.azure.net/", name);
	json_object_set_new(p, "sku", json_pack("{s:s,s:s}", "family", "A", "name", "standard"));
	json_object_set_new(p, "tenantId", json_string(s->cfg.tenant_id));
	json_object_set_new(p, "accessPolicies", json_array());
	json_object_set_new(p, "enableSoftDelete", json_true());
	json_object_set_new(p, "softDeleteRetentionInDays", json_integer(k % 3 == 2 ? 7 : 90));
	/* Purge protection is absent when off, as the service answers. */
	if (k % 3 == 0)
		json_object_set_new(p, "enablePurgeProtection", json_true());
	json_object_set_new(p, "enableRbacAuthorization", json_boolean(k % 3 != 2));
	json_object_set_new(p, "publicNetworkAccess",
			    json_string(k % 3 == 0 ? "Disabled" : "Enabled"));
	json_object_set_new(p, "networkAcls",
			    json_pack("{s:s,s:s,s:[],s:[]}", "bypass", "AzureServices",
				      "defaultAction", k % 3 == 0 ? "Deny" : "Allow", "ipRules",
				      "virtualNetworkRules"));
	json_object_set_new(p, "vaultUri", json_string(uri));
	json_object_set_new(p, "provisioningState", json_string("Succeeded"));
	return json_pack("{s:s,s:s,s:s,s:s,s:{},s:o}", "id", id, "name", name, "type",
			 type_name[SIM_ARM_VAULT], "location", loc, "tags", "properties", p);
}

static json_t *vm(struct sim *s, long sub, long k, const char *id, const char *name,
		  const char *loc)
{
	json_t *p = json_object();
	char vmid[37], disk[300], nic[300], g[37];

	sim_guid(vmid, (uint64_t)s->cfg.seed, "vmid", (uint64_t)(sub * 100000 + k));
	sim_sub_id(s, sub, g);
	snprintf(
	    disk, sizeof(disk),
	    "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/disks/%s_OsDisk_1", g,
	    sim_arm_rg(k), name);
	snprintf(nic, sizeof(nic),
		 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/"
		 "networkInterfaces/%s-nic",
		 g, sim_arm_rg(k), name);
	json_object_set_new(p, "vmId", json_string(vmid));
	json_object_set_new(p, "hardwareProfile", json_pack("{s:s}", "vmSize", "Standard_D2s_v5"));
	if (k % 3 != 2)
		json_object_set_new(p, "securityProfile",
				    json_pack("{s:b,s:s,s:{s:b,s:b}}", "encryptionAtHost",
					      k % 3 == 0, "securityType", "TrustedLaunch",
					      "uefiSettings", "secureBootEnabled", 1, "vTpmEnabled",
					      1));
	json_object_set_new(p, "storageProfile",
			    json_pack("{s:{s:s,s:s,s:s,s:s,s:{s:s,s:s},s:i}}", "osDisk", "osType",
				      "Linux", "name", strrchr(disk, '/') + 1, "createOption",
				      "FromImage", "caching", "ReadWrite", "managedDisk",
				      "storageAccountType", "Premium_LRS", "id", disk, "diskSizeGB",
				      30));
	json_object_set_new(p, "osProfile",
			    json_pack("{s:s,s:s,s:{s:b}}", "computerName", name, "adminUsername",
				      "azureuser", "linuxConfiguration",
				      "disablePasswordAuthentication", k % 3 != 2));
	json_object_set_new(p, "networkProfile",
			    json_pack("{s:[{s:s}]}", "networkInterfaces", "id", nic));
	json_object_set_new(p, "provisioningState", json_string("Succeeded"));
	return json_pack("{s:s,s:s,s:s,s:s,s:{},s:o}", "name", name, "id", id, "type",
			 type_name[SIM_ARM_VM], "location", loc, "tags", "properties", p);
}

static json_t *site(long k, const char *id, const char *name, const char *loc)
{
	char host[128];

	snprintf(host, sizeof(host), "%s.azurewebsites.net", name);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:{},s:{s:s,s:s,s:[s],s:s,s:b,s:b,s:s}}", "id", id,
			 "name", name, "type", type_name[SIM_ARM_SITE], "kind", "app", "location",
			 loc, "tags", "properties", "name", name, "state", "Running", "hostNames",
			 host, "defaultHostName", host, "httpsOnly", k % 3 != 2,
			 "clientCertEnabled", k % 3 == 0, "publicNetworkAccess", "Enabled");
}

static json_t *sql(long k, const char *id, const char *name, const char *loc)
{
	char fqdn[128];

	snprintf(fqdn, sizeof(fqdn), "%s.database.windows.net", name);
	return json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s},s:s,s:s,s:s,s:s,s:{}}", "kind", "v12.0",
			 "properties", "administratorLogin", "sqladmin", "version", "12.0", "state",
			 "Ready", "fullyQualifiedDomainName", fqdn, "publicNetworkAccess",
			 k % 3 == 0 ? "Disabled" : "Enabled", "minimalTlsVersion",
			 k % 3 == 2 ? "1.0" : "1.2", "location", loc, "id", id, "name", name,
			 "type", type_name[SIM_ARM_SQL], "tags");
}

static json_t *rule(const char *id, const char *name, const char *port, const char *src,
		    const char *access, int prio)
{
	char rid[400];

	snprintf(rid, sizeof(rid), "%s/securityRules/%s", id, name);
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:[],s:[],s:[],s:[]}}",
			 "name", name, "id", rid, "properties", "provisioningState", "Succeeded",
			 "protocol", "Tcp", "sourcePortRange", "*", "destinationPortRange", port,
			 "sourceAddressPrefix", src, "destinationAddressPrefix", "*", "priority",
			 prio, "access", access, "sourcePortRanges", "destinationPortRanges",
			 "sourceAddressPrefixes", "destinationAddressPrefixes");
}

static json_t *nsg(struct sim *s, long sub, long k, const char *id, const char *name,
		   const char *loc)
{
	json_t *rules = json_array();
	char guid[37];

	sim_guid(guid, (uint64_t)s->cfg.seed, "nsg", (uint64_t)(sub * 100000 + k));
	json_array_append_new(rules, rule(id, "allow-https", "443", "*", "Allow", 100));
	if (k % 3 == 2) {
		json_array_append_new(rules, rule(id, "allow-ssh-any", "22", "*", "Allow", 110));
		json_array_append_new(rules,
				      rule(id, "allow-rdp", "3389", "0.0.0.0/0", "Allow", 120));
	} else if (k % 3 == 1) {
		json_array_append_new(
		    rules, rule(id, "allow-ssh-office", "22", "203.0.113.0/24", "Allow", 110));
	}
	/* Rules carry a direction too. */
	for (size_t i = 0; i < json_array_size(rules); i++)
		json_object_set_new(json_object_get(json_array_get(rules, i), "properties"),
				    "direction", json_string("Inbound"));
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:{},s:{s:s,s:s,s:o,s:[]}}", "name", name, "id", id,
			 "etag", "W/\"00000000-0000-0000-0000-000000000001\"", "type",
			 type_name[SIM_ARM_NSG], "location", loc, "tags", "properties",
			 "provisioningState", "Succeeded", "resourceGuid", guid, "securityRules",
			 rules, "defaultSecurityRules");
}

json_t *sim_arm_resource(struct sim *s, enum sim_arm_kind kind, long sub, long k)
{
	char id[512], name[64];
	const char *loc = locations[(sub + k) % 3];

	res_id(s, kind, sub, k, id, sizeof(id), name, sizeof(name));
	switch (kind) {
	case SIM_ARM_STORAGE:
		return storage(s, sub, k, id, name, loc);
	case SIM_ARM_VAULT:
		return vault(s, k, id, name, loc);
	case SIM_ARM_VM:
		return vm(s, sub, k, id, name, loc);
	case SIM_ARM_SITE:
		return site(k, id, name, loc);
	case SIM_ARM_SQL:
		return sql(k, id, name, loc);
	case SIM_ARM_NSG:
		return nsg(s, sub, k, id, name, loc);
	default:
		return json_object();
	}
}

json_t *sim_site_config(struct sim *s, long sub, long k)
{
	char id[512], name[64], cid[600];

	res_id(s, SIM_ARM_SITE, sub, k, id, sizeof(id), name, sizeof(name));
	snprintf(cid, sizeof(cid), "%s/config/web", id);
	return json_pack(
	    "{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:b,s:b,s:b}}", "id", cid, "name", name, "type",
	    "Microsoft.Web/sites/config", "location", locations[(sub + k) % 3], "properties",
	    "minTlsVersion", k % 3 == 2 ? "1.0" : "1.2", "scmMinTlsVersion", "1.2", "ftpsState",
	    k % 3 == 0	 ? "Disabled"
	    : k % 3 == 1 ? "FtpsOnly"
			 : "AllAllowed",
	    "http20Enabled", k % 3 == 0, "remoteDebuggingEnabled", k % 3 == 2, "alwaysOn", 1);
}

static const char *const db_names[] = {"master", "db-app", "db-reporting"};

long sim_sql_ndb(void)
{
	return 3;
}

long sim_sql_db_index(struct sim *s, long sub, long k, const char *name)
{
	(void)s, (void)sub, (void)k;
	for (long d = 0; d < 3; d++)
		if (strcasecmp(db_names[d], name) == 0)
			return d;
	return -1;
}

json_t *sim_sql_database(struct sim *s, long sub, long k, long d)
{
	char id[512], name[64], dbid[640];

	res_id(s, SIM_ARM_SQL, sub, k, id, sizeof(id), name, sizeof(name));
	snprintf(dbid, sizeof(dbid), "%s/databases/%s", id, db_names[d]);
	return json_pack("{s:{s:s,s:s,s:i},s:s,s:s,s:{s:s,s:s,s:I},s:s,s:s,s:s}", "sku", "name",
			 d == 0 ? "System" : "GP_Gen5", "tier",
			 d == 0 ? "System" : "GeneralPurpose", "capacity", d == 0 ? 0 : 2, "kind",
			 d == 0 ? "v12.0,system" : "v12.0,user,vcore", "managedBy", "",
			 "properties", "collation", "SQL_Latin1_General_CP1_CI_AS", "status",
			 "Online", "maxSizeBytes", (json_int_t)34359738368LL, "location",
			 locations[(sub + k) % 3], "id", dbid, "name", db_names[d]);
}

json_t *sim_sql_tde(struct sim *s, long sub, long k, long d)
{
	char id[512], name[64], tid[700];

	res_id(s, SIM_ARM_SQL, sub, k, id, sizeof(id), name, sizeof(name));
	snprintf(tid, sizeof(tid), "%s/databases/%s/transparentDataEncryption/Current", id,
		 db_names[d]);
	/* The reporting database of a non-compliant server has TDE off. */
	return json_pack("{s:{s:s},s:s,s:s,s:s}", "properties", "state",
			 k % 3 == 2 && d == 2 ? "Disabled" : "Enabled", "id", tid, "name",
			 "Current", "type",
			 "Microsoft.Sql/servers/databases/transparentDataEncryption");
}

json_t *sim_sql_auditing(struct sim *s, long sub, long k)
{
	char id[512], name[64], aid[600];

	res_id(s, SIM_ARM_SQL, sub, k, id, sizeof(id), name, sizeof(name));
	snprintf(aid, sizeof(aid), "%s/auditingSettings/Default", id);
	return json_pack("{s:{s:i,s:[s,s],s:b,s:b,s:s,s:s},s:s,s:s,s:s}", "properties",
			 "retentionDays", k % 3 == 0 ? 90 : 0, "auditActionsAndGroups",
			 "SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP",
			 "FAILED_DATABASE_AUTHENTICATION_GROUP", "isStorageSecondaryKeyInUse", 0,
			 "isAzureMonitorTargetEnabled", k % 3 == 0, "state",
			 k % 3 == 2 ? "Disabled" : "Enabled", "storageEndpoint", "", "id", aid,
			 "name", "Default", "type", "Microsoft.Sql/servers/auditingSettings");
}
