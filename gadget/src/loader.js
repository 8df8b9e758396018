/*!
 * wikitours loader: the only wikitours code on every page view.
 *
 * It does nothing, and asks the server for nothing, unless a tour is starting or running:
 * - ?wikitour=ID or #wikitour=ID in the address;
 * - a click on a link of this wiki that carries wikitour=ID ("Start this tour" on help pages,
 *   the catalogue, a welcome message), remembered for the next page view, because links to
 *   Special:MyPage/... are redirected and the redirect drops unknown query parameters;
 * - a tour in progress, whose state the runtime keeps in localStorage across navigation.
 * Only then is the runtime loaded.
 */
( function () {
	'use strict';
	var ACTIVE = 'wikitours-active',
		START = 'wikitours-start',
		PARAM = /[?&#]wikitour=([a-z0-9][a-z0-9-]*)/,
		ID = /^[a-z0-9][a-z0-9-]*$/,
		m = PARAM.exec( location.search + location.hash ),
		id = m && m[ 1 ],
		active = null,
		store = null;
	try {
		// No dependencies here (not even mediawiki.storage): this runs on every page view.
		store = localStorage;
		active = store.getItem( ACTIVE );
		if ( store.getItem( START ) ) {
			id = id || store.getItem( START );
			store.removeItem( START );
		}
	} catch ( e ) {}
	document.addEventListener( 'click', function ( e ) {
		var a = e.target.closest && e.target.closest( 'a[href*="wikitour="]' ),
			link = a && a.host === location.host && PARAM.exec( a.search + a.hash );
		if ( link && store ) {
			try {
				store.setItem( START, link[ 1 ] );
			} catch ( err ) {}
		}
	} );
	if ( ( id && ID.test( id ) ) || active ) {
		mw.loader.using( 'ext.gadget.wikitours-runtime' ).then( function () {
			mw.libs.wikitours.main( id && ID.test( id ) ? id : null );
		} );
	}
}() );
