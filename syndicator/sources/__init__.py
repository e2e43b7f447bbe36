"""Source kinds. Each module has ``Config`` and ``async def candidates(source, fetcher)``."""
