"""The taxonomy: dimensions and tags, edited without losing history, and what pages show of it."""
