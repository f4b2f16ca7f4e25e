#!/usr/bin/env bash
# The modules that mypy checks in strict mode: rules, services, selectors, permissions, crypto,
# and the pure modules listed one per line below (one line each keeps merges simple).
cd "$(dirname "$0")/.." || exit 1
extra=(
  '*/screening/catalogue.py'
  '*/screening/contract.py'
  '*/training/scoring.py'
  '*/training/curriculum.py'
  '*/cases/names.py'
  '*/accounts/tokens.py'
  '*/accounts/client_ip.py'
  '*/audit/sealer.py'
  '*/audit/checkpoints.py'
  '*/audit/keys.py'
  '*/audit/verification.py'
  '*/core/exports.py'
  '*/core/limits.py'
  '*/core/keys.py'
  '*/core/jsonsafe.py'
  '*/core/numbers.py'
  '*/core/suppression.py'
  '*/jobs/schedule.py'
  '*/jobs/backup.py'
  '*/jobs/kinds.py'
  '*/settings/caches.py'
  '*/interop/sms_parsing.py'
  '*/interop/cpims_rules.py'
  '*/interop/webhooks.py'
  '*/interop/primero.py'
  '*/interop/jobs.py'
  '*/interop/services/*.py'
  '*/fielddata/records.py'
  '*/monitoring/periods.py'
  '*/monitoring/framework.py'
  '*/monitoring/queries.py'
  '*/monitoring/computation.py'
  '*/monitoring/charts.py'
  '*/monitoring/facts.py'
  '*/monitoring/freshness.py'
  '*/dhis2/client.py'
  '*/dhis2/jobs.py'
  '*/sharing/ctdc.py'
  '*/sharing/kanon.py'
  '*/sharing/hierarchies.py'
  '*/sharing/partner.py'
  '*/sharing/aggregates.py'
)
paths=()
for p in "${extra[@]}"; do paths+=(-o -path "$p"); done
find src/egide -type f \( -name 'rules.py' -o -name 'services.py' -o -name 'selectors.py' \
  -o -name 'permissions.py' -o -name 'crypto.py' -o -name 'chain.py' -o -path '*/rules/*.py' \
  "${paths[@]}" \) -not -path '*/tests/*' | sort
