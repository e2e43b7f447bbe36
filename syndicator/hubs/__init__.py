"""The subscriber side of WebSub: our sources' hubs push to us, polling stays the safety net.

``discovery`` finds the hub and topic a fetched feed or page advertises (pure);
``requests`` asks a hub to subscribe (the one outbound boundary); ``subscriber`` decides
when to subscribe or renew and runs the polls pushes trigger.
"""
