"""Tagging: the taxonomy, tags on conversations, and the rules and model that suggest them.

Where things are:

* :mod:`.taxonomy` -- dimensions and tags, edited without losing history (its own map);
* :mod:`.assignments` -- a tag on a conversation or a quote, and people's decisions;
* :mod:`.suggestions` -- machine suggestions (rules, the model), never over a person;
* :mod:`.rules` and :mod:`.rule_suggestions` -- keyword/pattern rules, and their hits applied;
* :mod:`.autotag` -- tagging as conversations arrive and in bulk (rules, then the model);
* :mod:`.training`, :mod:`.saved_models`, :mod:`.quality` -- the workspace's learned tagger:
  training it, its versions on disk, its cross-validated quality;
* :mod:`.model` -- the tagger itself (features, classifiers, calibration; no database);
* :mod:`.review` -- the review queue, most informative suggestion first;
* :mod:`.themes` and :mod:`.theme_discovery` -- new themes in untagged conversations;
* :mod:`.texts` -- the customer's words per conversation, as all of the above read them;
* :mod:`.workspace_settings` -- the ``tagging`` section of a workspace's settings.
"""
