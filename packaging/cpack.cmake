# `cpack -G DEB` in the build folder produces fusionscope_<version>_amd64.deb for Debian 12;
# packaging/test-deb.sh builds, installs, runs and removes it.
install(FILES ${CMAKE_SOURCE_DIR}/resources/fusionscope.desktop DESTINATION share/applications)
install(FILES ${CMAKE_SOURCE_DIR}/resources/io.fusionscope.FusionScope.metainfo.xml DESTINATION share/metainfo)
install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/fusionscope.png
        DESTINATION share/icons/hicolor/256x256/apps)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME fusionscope)
set(CPACK_PACKAGE_VENDOR "FusionScope")
set(CPACK_PACKAGE_CONTACT "FusionScope developers <dev@fusionscope.local>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Workbench for multimodal deep learning (text, image, audio fusion)")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# Shared-library dependencies come from dpkg-shlibdeps; OpenBLAS and the espeak data are
# runtime choices it cannot see (LibTorch is ~14x slower on the reference BLAS).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread, espeak-ng-data")
# The demo's questions are partly Chinese; without a CJK font they render as boxes.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-wqy-microhei")
set(CPACK_STRIP_FILES ON)
include(CPack)
