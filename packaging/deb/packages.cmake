# Debian packages with CPack: `cpack -G DEB` in the build folder makes
# codepulse-tracker_<version>_<arch>.deb and codepulse-collector_<version>_<arch>.deb.
# Dependencies are the packages of the shared libraries each binary links
# (objdump -p | NEEDED, dpkg -S); tests/integration/deb_package_test.cpp
# checks they stay complete.
set(DEB_DIR ${CMAKE_SOURCE_DIR}/packaging/deb)

install(FILES ${CMAKE_SOURCE_DIR}/packaging/systemd/codepulse-tracker.service
        DESTINATION lib/systemd/user COMPONENT tracker)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/tracker.toml.example
        DESTINATION share/codepulse COMPONENT tracker)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/logrotate/codepulse-tracker.example
        DESTINATION share/codepulse RENAME tracker-logrotate.conf.example COMPONENT tracker)
install(FILES ${CMAKE_SOURCE_DIR}/docs/PRIVACY.md ${CMAKE_SOURCE_DIR}/docs/CLI.md
        DESTINATION share/doc/codepulse-tracker COMPONENT tracker)
# The wire format, which `queue export` points to.
install(FILES ${CMAKE_SOURCE_DIR}/proto/README.md
        DESTINATION share/doc/codepulse-tracker/proto COMPONENT tracker)

install(FILES ${CMAKE_SOURCE_DIR}/packaging/systemd/codepulse-collector.service
        DESTINATION lib/systemd/system COMPONENT collector)
install(FILES ${DEB_DIR}/collector.conf DESTINATION /etc/codepulse COMPONENT collector)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/logrotate/codepulse-collector
        DESTINATION /etc/logrotate.d COMPONENT collector)
install(FILES ${CMAKE_SOURCE_DIR}/proto/README.md
        DESTINATION share/doc/codepulse-collector/proto COMPONENT collector)
install(FILES ${CMAKE_SOURCE_DIR}/docs/OPERATIONS.md ${CMAKE_SOURCE_DIR}/docs/COLLECTOR.md
              ${CMAKE_SOURCE_DIR}/docs/SCALING.md ${CMAKE_SOURCE_DIR}/docs/CLI.md
        DESTINATION share/doc/codepulse-collector COMPONENT collector)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME codepulse)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "codepulse maintainers <codepulse@example.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL tracker collector)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/codepulse")

set(CODEPULSE_DEB_COMMON_DEPENDS
    "libc6 (>= 2.36), libgcc-s1 (>= 3.0), libstdc++6 (>= 12), libsimdjson14 (>= 3.0.1), libsqlite3-0 (>= 3.35), libssl3 (>= 3.0.0), libzstd1 (>= 1.5)")
set(CODEPULSE_DEB_TRACKER_DEPENDS "${CODEPULSE_DEB_COMMON_DEPENDS}, libmimalloc2.0 (>= 2.0)")

set(CPACK_DEBIAN_TRACKER_PACKAGE_NAME codepulse-tracker)
set(CPACK_COMPONENT_TRACKER_DESCRIPTION
    "Claude Code usage tracker\nReads Claude Code session logs on a developer's machine, keeps token counts,\ncost and metadata (never prompts, answers, tool input or output, or code) in a\nlocal queue, and ships them to a codepulse collector over HTTPS. Runs as a\nsystemd user service.")
set(CPACK_DEBIAN_TRACKER_PACKAGE_DEPENDS "${CODEPULSE_DEB_TRACKER_DEPENDS}")
set(CPACK_DEBIAN_TRACKER_PACKAGE_CONTROL_EXTRA ${DEB_DIR}/tracker/postinst)
set(CPACK_DEBIAN_TRACKER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_COLLECTOR_PACKAGE_NAME codepulse-collector)
set(CPACK_COMPONENT_COLLECTOR_DESCRIPTION
    "codepulse collector: ingest, store, reports and dashboard\nThe central server of codepulse: authenticated HTTPS ingest of tracker batches,\na SQLite or PostgreSQL store, nested cost reports and a web dashboard. Runs as\nthe system service codepulse-collector under its own user.")
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_DEPENDS "${CODEPULSE_DEB_COMMON_DEPENDS}, libpq5 (>= 15), adduser")
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_CONTROL_EXTRA
    ${DEB_DIR}/collector/postinst ${DEB_DIR}/collector/prerm ${DEB_DIR}/collector/postrm
    ${DEB_DIR}/collector/conffiles)
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
