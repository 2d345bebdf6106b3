#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs, offline, and formats examples/.
#
# tfplugindocs normally builds the provider and runs `terraform init`
# against a registry. Instead, this script installs the freshly built
# provider into a local plugin directory, asks the OpenTofu CLI for the
# schema (`tofu providers schema -json`) and hands that file to
# tfplugindocs with --providers-schema, so no network access is needed.
#
# Environment: TOFU and TFPLUGINDOCS (paths; the GNUmakefile builds both),
# GO (default go). Run from the repository root: `make docs`.
set -euo pipefail

: "${TOFU:?set TOFU to the OpenTofu CLI (make docs does)}"
: "${TFPLUGINDOCS:?set TFPLUGINDOCS to the tfplugindocs binary (make docs does)}"
GO="${GO:-go}"

provider_name=resourcedirectory
# The address under which the schema is exported. tfplugindocs looks the
# schema up by the provider's short name, so the key is renamed below.
source_address="registry.terraform.io/rdcontact/${provider_name}"
version=0.0.0-docs

export TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_DATA_DIR TF_PLUGIN_CACHE_DIR

root="$(pwd)"
[[ -f "${root}/go.mod" && -d "${root}/examples" ]] || { echo "run from the repository root" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

platform="$("${GO}" env GOOS)_$("${GO}" env GOARCH)"
plugin_dir="${work}/plugins/${source_address}/${version}/${platform}"
mkdir -p "${plugin_dir}" "${work}/config"

echo "==> Building the provider"
"${GO}" build -trimpath -o "${plugin_dir}/terraform-provider-${provider_name}_v${version}" .

echo "==> Exporting the provider schema with $("${TOFU}" version | head -n1)"
cat > "${work}/config/main.tf" <<HCL
terraform {
  required_providers {
    ${provider_name} = {
      source  = "${source_address}"
      version = "${version}"
    }
  }
}
HCL
"${TOFU}" -chdir="${work}/config" init -input=false -no-color -backend=false \
	-plugin-dir="${work}/plugins" >"${work}/init.log" 2>&1 || { cat "${work}/init.log" >&2; exit 1; }
"${TOFU}" -chdir="${work}/config" providers schema -json >"${work}/schema.raw.json"
sed -e "s#\"${source_address}\"#\"${provider_name}\"#" "${work}/schema.raw.json" >"${work}/schema.json"
grep -q "\"${provider_name}\":{" "${work}/schema.json" || {
	echo "the exported schema has no provider ${source_address}" >&2
	exit 1
}

echo "==> Formatting examples/"
"${TOFU}" fmt -recursive examples/

# tfplugindocs logs every file it touches; its output is shown on failure.
echo "==> Generating docs/ with tfplugindocs"
"${TFPLUGINDOCS}" generate \
	--provider-dir "${root}" \
	--provider-name "${provider_name}" \
	--rendered-provider-name "Resource Directory" \
	--providers-schema "${work}/schema.json" >"${work}/generate.log" 2>&1 || {
	cat "${work}/generate.log" >&2
	exit 1
}

echo "==> Validating docs/ against the registry's rules"
"${TFPLUGINDOCS}" validate \
	--provider-dir "${root}" \
	--provider-name "${provider_name}" \
	--providers-schema "${work}/schema.json" >"${work}/validate.log" 2>&1 || {
	cat "${work}/validate.log" >&2
	exit 1
}
find docs -name '*.md' | sort | sed 's/^/    /'
