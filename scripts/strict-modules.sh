#!/usr/bin/env bash
# The modules that mypy checks in strict mode: rules, services, selectors, permissions, crypto.
cd "$(dirname "$0")/.." || exit 1
find src/egide -type f \( -name 'rules.py' -o -name 'services.py' -o -name 'selectors.py' \
  -o -name 'permissions.py' -o -name 'crypto.py' -o -name 'chain.py' -o -path '*/rules/*.py' \
  -o -path '*/screening/catalogue.py' -o -path '*/screening/contract.py' \
  -o -path '*/training/scoring.py' -o -path '*/training/curriculum.py' -o -path '*/cases/names.py' \
  -o -path '*/jobs/schedule.py' -o -path '*/jobs/backup.py' -o -path '*/jobs/kinds.py' \) \
  -not -path '*/tests/*' | sort
