/* spec_platforms.c: type checks for the non-Linux platform objects of config.json (freebsd,
   zos, windows, vm, solaris). Hull runs none of them, but a config that carries one must
   still match the schema. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "spec-internal.h"

/* ---- freebsd --------------------------------------------------------------------------- */

static const char *const sharing_modes[] = { "disable", "new", "inherit", NULL };
static const char *const sharing_modes_no_disable[] = { "new", "inherit", NULL };

static const struct spec_field freebsd_device_fields[] = {
  { "path", SPEC_STRING },
  { "mode", SPEC_INTEGER, .int_kind = SPEC_FILEMODE },
  { NULL },
};

static const struct spec_field jail_allow_fields[] = {
  { "setHostname", SPEC_BOOL },   { "rawSockets", SPEC_BOOL }, { "chflags", SPEC_BOOL },
  { "mount", SPEC_STRV },         { "quotas", SPEC_BOOL },     { "socketAf", SPEC_BOOL },
  { "reservedPorts", SPEC_BOOL }, { "suser", SPEC_BOOL },      { NULL },
};

static const struct spec_field jail_fields[] = {
  { "parent", SPEC_STRING },
  { "host", SPEC_ENUM, .values = sharing_modes_no_disable },
  { "ip4", SPEC_ENUM, .values = sharing_modes },
  { "ip6", SPEC_ENUM, .values = sharing_modes },
  { "vnet", SPEC_ENUM, .values = sharing_modes_no_disable },
  { "sysvmsg", SPEC_ENUM, .values = sharing_modes },
  { "sysvsem", SPEC_ENUM, .values = sharing_modes },
  { "sysvshm", SPEC_ENUM, .values = sharing_modes },
  { "enforceStatfs", SPEC_INTEGER, .int_kind = SPEC_U8 },
  { "allow", SPEC_OBJECT, .fields = jail_allow_fields },
  { NULL },
};

static const struct spec_field freebsd_fields[] = {
  { "devices", SPEC_OBJECTV, .fields = freebsd_device_fields },
  { "jail", SPEC_OBJECT, .fields = jail_fields },
  { NULL },
};

/* ---- zos ------------------------------------------------------------------------------- */

static const char *const zos_namespaces[] = { "pid", "mount", "ipc", "uts", NULL };

static const struct spec_field zos_namespace_fields[] = {
  { "type", SPEC_ENUM, true, .values = zos_namespaces },
  { "path", SPEC_STRING },
  { NULL },
};

static const struct spec_field zos_fields[] = {
  { "namespaces", SPEC_OBJECTV, .fields = zos_namespace_fields },
  { NULL },
};

/* ---- windows --------------------------------------------------------------------------- */

static const struct spec_field windows_memory_fields[] = {
  { "limit", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { NULL },
};

static const struct spec_field windows_cpu_fields[] = {
  { "count", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "shares", SPEC_INTEGER, .int_kind = SPEC_U16 },
  { "maximum", SPEC_INTEGER, .int_kind = SPEC_U16 },
  { NULL },
};

static const struct spec_field windows_storage_fields[] = {
  { "iops", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "bps", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "sandboxSize", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { NULL },
};

static const struct spec_field windows_resources_fields[] = {
  { "memory", SPEC_OBJECT, .fields = windows_memory_fields },
  { "cpu", SPEC_OBJECT, .fields = windows_cpu_fields },
  { "storage", SPEC_OBJECT, .fields = windows_storage_fields },
  { NULL },
};

static const struct spec_field windows_network_fields[] = {
  { "endpointList", SPEC_STRV },       { "allowUnqualifiedDNSQuery", SPEC_BOOL },
  { "DNSSearchList", SPEC_STRV },      { "networkSharedContainerName", SPEC_STRING },
  { "networkNamespace", SPEC_STRING }, { NULL },
};

static const struct spec_field windows_hyperv_fields[] = {
  { "utilityVMPath", SPEC_STRING },
  { NULL },
};

static const struct spec_field windows_job_fields[] = {
  { "rootfsMountPoint", SPEC_STRING },
  { NULL },
};

static const struct spec_field windows_device_fields[] = {
  { "id", SPEC_STRING, true },
  { "idType", SPEC_STRING, true },
  { NULL },
};

static const struct spec_field windows_fields[] = {
  { "layerFolders", SPEC_STRV },
  { "devices", SPEC_OBJECTV, .fields = windows_device_fields },
  { "resources", SPEC_OBJECT, .fields = windows_resources_fields },
  { "network", SPEC_OBJECT, .fields = windows_network_fields },
  { "credentialSpec", SPEC_OBJECT },
  { "servicing", SPEC_BOOL },
  { "ignoreFlushesDuringBoot", SPEC_BOOL },
  { "hyperv", SPEC_OBJECT, .fields = windows_hyperv_fields },
  { "jobContainer", SPEC_OBJECT, .fields = windows_job_fields },
  { NULL },
};

/* ---- vm -------------------------------------------------------------------------------- */

static const char *const vm_image_formats[] = { "raw", "qcow2", "vdi", "vmdk", "vhd", NULL };

static const struct spec_field vm_hypervisor_fields[] = {
  { "path", SPEC_STRING, true },
  { "parameters", SPEC_STRV },
  { NULL },
};

static const struct spec_field vm_kernel_fields[] = {
  { "path", SPEC_STRING, true },
  { "parameters", SPEC_STRV },
  { "initrd", SPEC_STRING },
  { NULL },
};

static const struct spec_field vm_image_fields[] = {
  { "path", SPEC_STRING, true },
  { "format", SPEC_ENUM, true, .values = vm_image_formats },
  { NULL },
};

static const struct spec_field vm_hw_fields[] = {
  { "deviceTree", SPEC_STRING },
  { "vcpus", SPEC_INTEGER, .int_kind = SPEC_U32 },
  { "memory", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "dtdevs", SPEC_STRV },
  { "iomems", SPEC_OBJECTV },
  { "irqs", SPEC_UINTV, .int_kind = SPEC_U32 },
  { NULL },
};

static const struct spec_field vm_fields[] = {
  { "hypervisor", SPEC_OBJECT, .fields = vm_hypervisor_fields },
  { "kernel", SPEC_OBJECT, true, .fields = vm_kernel_fields },
  { "image", SPEC_OBJECT, .fields = vm_image_fields },
  { "hwConfig", SPEC_OBJECT, .fields = vm_hw_fields },
  { NULL },
};

/* ---- solaris --------------------------------------------------------------------------- */

static const struct spec_field solaris_cpu_fields[] = {
  { "ncpus", SPEC_STRING },
  { NULL },
};

static const struct spec_field solaris_memory_fields[] = {
  { "physical", SPEC_STRING },
  { "swap", SPEC_STRING },
  { NULL },
};

static const struct spec_field solaris_anet_fields[] = {
  { "linkname", SPEC_STRING },       { "lowerLink", SPEC_STRING },
  { "allowedAddress", SPEC_STRING }, { "configureAllowedAddress", SPEC_STRING },
  { "defrouter", SPEC_STRING },      { "macAddress", SPEC_STRING },
  { "linkProtection", SPEC_STRING }, { NULL },
};

static const struct spec_field solaris_fields[] = {
  { "milestone", SPEC_STRING },
  { "limitpriv", SPEC_STRING },
  { "maxShmMemory", SPEC_STRING },
  { "cappedCPU", SPEC_OBJECT, .fields = solaris_cpu_fields },
  { "cappedMemory", SPEC_OBJECT, .fields = solaris_memory_fields },
  { "anet", SPEC_OBJECTV, .fields = solaris_anet_fields },
  { NULL },
};

static const struct spec_field platform_fields[] = {
  { "freebsd", SPEC_OBJECT, .fields = freebsd_fields },
  { "zos", SPEC_OBJECT, .fields = zos_fields },
  { "windows", SPEC_OBJECT, .fields = windows_fields },
  { "vm", SPEC_OBJECT, .fields = vm_fields },
  { "solaris", SPEC_OBJECT, .fields = solaris_fields },
  { NULL },
};

int
spec_check_platforms (json_t *doc, hull_error_t *err)
{
  return spec_check_fields (doc, "", platform_fields, err);
}
