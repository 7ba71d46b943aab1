"""The core every feature stands on: config, errors, the store and its task queue, events, text, i18n.

Nothing here imports a feature, the models or the delivery layers."""
