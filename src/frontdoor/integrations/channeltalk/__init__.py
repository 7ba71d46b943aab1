"""Channel Talk (채널톡): webhook deliveries, the Open API v5 and the JSON export file.

All three inputs carry the same objects (UserChat, Message, User, Manager, Bot), so one
set of mapping functions turns them into records:

- a UserChat becomes a :class:`~frontdoor.integrations.base.ConversationRecord` whose
  external id is the chat id;
- a Message becomes a :class:`~frontdoor.integrations.base.MessageRecord` whose external id
  is the message id; ``personType`` user -> customer, manager -> agent, bot -> bot;
  messages with neither ``blocks`` nor ``plainText`` (system logs) are skipped;
  ``options`` containing ``private`` marks a manager's private note (internal);
- a User becomes a :class:`~frontdoor.integrations.base.ContactRef` (``memberId`` is the
  customer's own id), and ``profile.company`` the :class:`AccountRef` name (Channel Talk
  has no company object).

Times are epoch milliseconds, turned into aware UTC datetimes.

Modules: :mod:`.mapping` (the objects -> records functions all three share),
:mod:`.webhook` (:class:`~.webhook.ChannelTalkWebhook`), :mod:`.api`
(:class:`~.api.ChannelTalkClient`, ``frontdoor sync channeltalk``) and :mod:`.export`
(:class:`~.export.ChannelTalkExport`, ``frontdoor import channeltalk``); :mod:`.assign` sets
a chat's team for routing.
"""
