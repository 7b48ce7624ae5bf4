#pragma once

#include <QLoggingCategory>

// One category per engine component, named dialdeck.<layer>.<component>.
// Messages carry ids, never secrets, headers or request bodies.
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcImport)
Q_DECLARE_LOGGING_CATEGORY(lcSchedule)
Q_DECLARE_LOGGING_CATEGORY(lcDialer)
Q_DECLARE_LOGGING_CATEGORY(lcCarrierSim)
Q_DECLARE_LOGGING_CATEGORY(lcPlivo)
Q_DECLARE_LOGGING_CATEGORY(lcWebhook)
Q_DECLARE_LOGGING_CATEGORY(lcSimulator)
Q_DECLARE_LOGGING_CATEGORY(lcApi)
Q_DECLARE_LOGGING_CATEGORY(lcOutbox)
Q_DECLARE_LOGGING_CATEGORY(lcRelayServer)
Q_DECLARE_LOGGING_CATEGORY(lcRelayClient)
Q_DECLARE_LOGGING_CATEGORY(lcReport)
Q_DECLARE_LOGGING_CATEGORY(lcService)
Q_DECLARE_LOGGING_CATEGORY(lcUi)
