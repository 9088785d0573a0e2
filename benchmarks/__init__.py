"""`make bench`: the gateway beside a floor, Apollo Server and bare strawberry; its scenarios."""
