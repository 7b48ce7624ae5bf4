#include "logging.h"

Q_LOGGING_CATEGORY(lcStore, "dialdeck.engine.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcImport, "dialdeck.engine.import", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSchedule, "dialdeck.engine.schedule", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDialer, "dialdeck.engine.dialer", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCarrierSim, "dialdeck.engine.carrier.simulated", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPlivo, "dialdeck.engine.carrier.plivo", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWebhook, "dialdeck.engine.carrier.webhook", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSimulator, "dialdeck.engine.simulator", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "dialdeck.engine.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcOutbox, "dialdeck.engine.api.outbox", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRelayServer, "dialdeck.engine.relay.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRelayClient, "dialdeck.engine.relay.client", QtInfoMsg)
Q_LOGGING_CATEGORY(lcReport, "dialdeck.engine.report", QtInfoMsg)
Q_LOGGING_CATEGORY(lcService, "dialdeck.app.service", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "dialdeck.ui", QtInfoMsg)

namespace {

QLoggingCategory::CategoryFilter previousCategoryFilter = nullptr;

// Qt HTTP Server 6.4 logs each request with all its headers in the debug level
// of "qt.httpserver", Authorization included: a REST API bearer token, or the
// Basic credentials of a Plivo request that dialdeck-sim receives. That level
// stays off whatever QT_LOGGING_RULES sets, in every program linking this file.
void keepHeaderLoggingOff(QLoggingCategory *category)
{
    if (previousCategoryFilter)
        previousCategoryFilter(category);
    if (qstrncmp(category->categoryName(), "qt.httpserver", 13) == 0)
        category->setEnabled(QtDebugMsg, false);
}

void installHeaderLoggingFilter()
{
    previousCategoryFilter = QLoggingCategory::installFilter(keepHeaderLoggingOff);
}

} // namespace

Q_CONSTRUCTOR_FUNCTION(installHeaderLoggingFilter)
