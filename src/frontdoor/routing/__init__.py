"""Routing: which team each inbound conversation goes to, and learning from corrections.

Where things are:

* :mod:`.decide` -- **how a route is picked**: rules, then the model, then the default team;
* :mod:`.rules` -- the ordered rules over a conversation's facts (pure);
* :mod:`.facts` -- what rules look at, read from the database;
* :mod:`.assign` -- routing conversations (on arrival and in bulk) and recording the events;
* :mod:`.corrections` -- people confirming or correcting a route, and retraining after it;
* :mod:`.model` -- the routing model: training and loading;
* :mod:`.delivery` -- telling the team (Slack) and assigning Channel Talk chats;
* :mod:`.config` -- the workspace's teams, rules and thresholds;
* :mod:`.report` -- routing accuracy.

Settings (``Workspace.settings["routing"]``)::

    {"teams": [{"key": "sales", "name_ko": "영업", "name_en": "Sales",
                "slack_webhook_url": "https://hooks.slack.com/...", "channeltalk_team_id": "123"}],
     "default_team": "support",
     "rules": [{"id": "a1", "name": "...", "team": "sales", "keywords": ["견적", "pricing"]}],
     "min_confidence": 0.5,
     "model": {"version": ..., "file": ..., "trained_at": ..., "n_train": ..., "teams": [...]}}
"""
