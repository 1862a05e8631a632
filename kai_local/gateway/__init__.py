"""The gateway: keys, products, limits, usage accounting, GPU slots."""
