"""Pages of the policy module (one module per half of the domain)."""

from egide.policy.views.framework import *  # noqa: F403
from egide.policy.views.humansecurity import *  # noqa: F403
