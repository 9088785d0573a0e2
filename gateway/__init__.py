"""credit-gateway: one GraphQL schema over social-credit information sources."""
