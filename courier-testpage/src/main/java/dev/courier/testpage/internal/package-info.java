/** The test page's server, catalog, calls and wire tap: not an API. */
package dev.courier.testpage.internal;
