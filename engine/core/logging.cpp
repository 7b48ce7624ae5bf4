#include "logging.h"

Q_LOGGING_CATEGORY(lcStore, "dialdeck.engine.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcImport, "dialdeck.engine.import", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSchedule, "dialdeck.engine.schedule", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDialer, "dialdeck.engine.dialer", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCarrierSim, "dialdeck.engine.carrier.simulated", QtInfoMsg)
Q_LOGGING_CATEGORY(lcReport, "dialdeck.engine.report", QtInfoMsg)
Q_LOGGING_CATEGORY(lcService, "dialdeck.app.service", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "dialdeck.ui", QtInfoMsg)
