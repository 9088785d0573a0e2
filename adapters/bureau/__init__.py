"""Market credit bureaus and trade associations over HTTP (aiohttp).

Market credit information (001 arts. 15-17, 004 arts. 24, 29) reaches the
gateway through these sources; their provenance is ``MARKET_CREDIT``.
"""
