/*
 * wikitours loader: the only wikitours code on every page view.
 *
 * It does nothing, and asks the server for nothing, unless a tour is starting or running:
 * - ?wikitour=ID or #wikitour=ID in the address;
 * - a click on a link of this wiki that carries wikitour=ID ("Start this tour" on help pages,
 *   the catalogue, a welcome message), remembered for the next page view, because links to
 *   Special:MyPage/... are redirected and the redirect drops unknown query parameters;
 * - a tour in progress, whose state the runtime keeps in localStorage across navigation.
 * Only then is the runtime loaded, and the tour's data is read at the same time (messages.js,
 * bundled before this file). Wide screens get the placement module in the same request;
 * phones show a sheet and never need it.
 *
 * Every byte here is paid on every page view (the goal is under 1 KB as served, gzipped:
 * bench/gadget.py), which is why this file, unlike the others, is not in strict mode.
 */
( function () {
	var START = 'wikitours-start',
		PARAM = /[?&#]wikitour=([a-z0-9][a-z0-9-]*)/,
		// a draft tried from its preview page (tours/render/drafttry.py)
		DRAFT = /[?&#]wikitourdraft=([a-z0-9][a-z0-9-]*)/,
		ID = /^[a-z0-9][a-z0-9-]*$/,
		m = PARAM.exec( location.href ),
		d = DRAFT.exec( location.href ),
		id = d ? d[ 1 ] : m && m[ 1 ],
		draft = !!d,
		wt = mw.libs.wikitours,
		tour = null,
		store;
	try {
		// No dependencies here (not even mediawiki.storage): this runs on every page view.
		store = localStorage;
		id = id || store.getItem( START );
		store.removeItem( START );
		tour = JSON.parse( store.getItem( 'wikitours-active' ) ) || {};
		draft = id ? draft : tour.draft === true;
		tour = tour.tour;
	} catch ( e ) {}
	document.addEventListener( 'click', function ( e ) {
		var a = e.target.closest && e.target.closest( 'a[href*="wikitour="]' ),
			link = a && a.host === location.host && PARAM.exec( a.href );
		try {
			if ( link ) {
				store.setItem( START, link[ 1 ] );
			}
		} catch ( err ) {}
	} );
	// An id from the address or a click passed PARAM; one from localStorage is checked.
	tour = id || tour;
	if ( tour && ID.test( tour ) ) {
		wt.fetched = wt.messages.fetch( tour, draft );
		mw.loader.using( [ 'ext.gadget.wikitours-runtime' ].concat(
			innerWidth < 640 ? [] : 'ext.gadget.wikitours-place' )
		).then( function () {
			wt.main( id, draft );
		} );
	} else if ( document.getElementById( 'wikitours-practice' ) && mw.config.get( 'wgUserName' ) ) {
		// the catalogue's place for offers of practice tasks (tasks.js), for those signed in
		mw.loader.using( 'ext.gadget.wikitours-runtime' ).then( function () {
			wt.tasks.catalogue();
		} );
	}
}() );
